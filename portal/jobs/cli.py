"""``flask jobs run [--now ISO-8601]``: the one command cron (or a systemd timer) starts every minute."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core import clock
from portal.core.clioptions import now_option
from portal.extensions import db
from portal.jobs import service

jobs_cli = AppGroup("jobs", help="Pekerjaan terjadwal meja layanan.")


@jobs_cli.command("run")
@now_option
@click.option("--only", multiple=True, help="Hanya pekerjaan bernama ini (boleh diulang).")
def run(moment: datetime | None, only: tuple[str, ...]) -> None:
    """Run every due job once and exit; ``--now`` sets the portal's clock for the whole run."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with clock.frozen_at(moment):  # every clock.now() in the jobs (and the letters they queue) reads it
        for outcome in service.run_due(app, db.session(), clock.now(), only):
            click.echo(f"{outcome.name}: {outcome.summary}")
