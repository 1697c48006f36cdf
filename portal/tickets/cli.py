"""``flask tickets …``: scheduled ticket work run from cron (until ``flask jobs run`` takes it over)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core import clock
from portal.core.desk import get_calendar
from portal.extensions import db
from portal.tickets import forwarding

tickets_cli = AppGroup("tickets", help="Pekerjaan terjadwal tiket.")


@tickets_cli.command("remind-forwards")
@click.option("--now", "moment", default=None, help="Waktu acuan ISO 8601 (bawaan: jam portal).")
def remind_forwards(moment: str | None) -> None:
    """Remind the assignee of each forward unacknowledged after FORWARD_REMIND_DAYS working days, once."""
    at = datetime.fromisoformat(moment) if moment else clock.now()
    if at.tzinfo is None:
        raise click.BadParameter("sertakan zona waktu, mis. 2026-12-01T09:00:00+07:00", param_hint="--now")
    days = float(current_app.config["FORWARD_REMIND_DAYS"])
    count = forwarding.remind_unacknowledged(db.session(), now=at, calendar=get_calendar(), days=days)
    click.echo(f"{count} pengingat penerusan dikirim.")
