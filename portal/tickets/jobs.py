"""The ticket desk's scheduled work, as jobs of ``flask jobs run``: forward reminders, norma-waktu
alerts, the requester's reminder and auto-close. Each is idempotent (a conditional UPDATE claims
every effect), so a second run, or a run on another node, does nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

from portal.catalog.service import get_catalog
from portal.core.desk import get_calendar
from portal.tickets import alerts, forwarding, waiting


def forward_reminders(session: Session, now: datetime) -> str:
    """Remind forwards unacknowledged after FORWARD_REMIND_DAYS working days, once each."""
    days = float(current_app.config["FORWARD_REMIND_DAYS"])
    count = forwarding.remind_unacknowledged(session, now=now, calendar=get_calendar(), days=days)
    return f"{count} pengingat penerusan"


def norm_alerts(session: Session, now: datetime) -> str:
    """Send the norma-waktu alerts (75 %, 100 %) that are due, once each."""
    at75, at100 = alerts.send_due(session, now=now, catalog=get_catalog(), calendar=get_calendar())
    return f"{at75} peringatan 75%, {at100} peringatan lewat norma waktu"


def requester_waits(session: Session, now: datetime) -> str:
    """Remind the requesters the desk waits on, and close the tickets they left unanswered."""
    config = current_app.config
    reminded, closed = waiting.run(
        session,
        now=now,
        calendar=get_calendar(),
        remind_days=int(config["REQUESTER_REMIND_DAYS"]),
        close_days=int(config["REQUESTER_CLOSE_DAYS"]),
    )
    return f"{reminded} pengingat ke pengguna, {closed} tiket ditutup"


def register_all(app: Flask, register: Callable[..., None]) -> None:
    """Register the ticket jobs with the runner (``portal.jobs.registry.register``)."""
    register(app, "tickets.norm_alerts", norm_alerts)
    register(app, "tickets.forward_reminders", forward_reminders)
    register(app, "tickets.requester_waits", requester_waits)
