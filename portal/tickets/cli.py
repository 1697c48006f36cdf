"""``flask tickets …``: scheduled ticket work run from cron (until ``flask jobs run`` takes it over)."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from portal.core import clock
from portal.core.clioptions import now_option
from portal.extensions import db
from portal.tickets.jobs import forward_reminders

tickets_cli = AppGroup("tickets", help="Pekerjaan terjadwal tiket.")


@tickets_cli.command("remind-forwards")
@now_option
def remind_forwards(moment: datetime | None) -> None:
    """Remind the assignee of each forward unacknowledged after FORWARD_REMIND_DAYS working days, once.

    ``--now`` sets the portal's clock for the whole command, as ``flask jobs run --now`` does,
    so the reminders it queues are stamped with that moment too.
    """
    with clock.frozen_at(moment):
        summary = forward_reminders(db.session(), clock.now())
    click.echo(f"{summary} dikirim.")
