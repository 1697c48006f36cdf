"""The ticket desk's scheduled work, as jobs of ``flask jobs run``: forward reminders, norma-waktu
alerts, the requester's reminder and auto-close. Each is idempotent (a conditional UPDATE claims
every effect), so a second run, or a run on another node, does nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

from portal.core.desk import get_calendar
from portal.tickets import forwarding


def forward_reminders(session: Session, now: datetime) -> str:
    """Remind forwards unacknowledged after FORWARD_REMIND_DAYS working days, once each."""
    days = float(current_app.config["FORWARD_REMIND_DAYS"])
    count = forwarding.remind_unacknowledged(session, now=now, calendar=get_calendar(), days=days)
    return f"{count} pengingat penerusan"


def register_all(app: Flask, register: Callable[..., None]) -> None:
    """Register the ticket jobs with the runner (``portal.jobs.registry.register``)."""
    register(app, "tickets.forward_reminders", forward_reminders)
