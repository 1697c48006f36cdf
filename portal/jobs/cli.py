"""``flask jobs run [--now ISO-8601]``: the one command cron (or a systemd timer) starts every minute."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core import clock
from portal.extensions import db
from portal.jobs import service

jobs_cli = AppGroup("jobs", help="Pekerjaan terjadwal meja layanan.")


@jobs_cli.command("run")
@click.option("--now", "moment", default=None, help="Jalankan seolah pada waktu ini (ISO 8601 dengan zona).")
@click.option("--only", multiple=True, help="Hanya pekerjaan bernama ini (boleh diulang).")
def run(moment: str | None, only: tuple[str, ...]) -> None:
    """Run every due job once and exit; ``--now`` sets the portal's clock for the whole run."""
    if moment:
        try:
            at = datetime.fromisoformat(moment)
        except ValueError as exc:
            raise click.BadParameter("bukan waktu ISO 8601", param_hint="--now") from exc
        if at.tzinfo is None:
            raise click.BadParameter("sertakan zona waktu, mis. 2026-12-01T09:00:00+07:00", param_hint="--now")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    saved = app.config.get("NOW")
    if moment:
        app.config["NOW"] = at  # every clock.now() in the jobs (and the letters they queue) reads it
    try:
        for outcome in service.run_due(app, db.session(), clock.now(), only):
            click.echo(f"{outcome.name}: {outcome.summary}")
    finally:
        app.config["NOW"] = saved
