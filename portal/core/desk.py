"""The help desk's working calendar and whether it is open, behind a hook features fill in.

Core owns the question ("is the desk open now, and until when?"); the feature that knows the
staff's closures and openings answers it by registering a calendar provider at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

from portal.core.calendar import WorkingCalendar
from portal.core.clock import now

CalendarProvider = Callable[[Session], WorkingCalendar]


@dataclass(frozen=True)
class DeskStatus:
    """Whether the help desk is staffed at a moment, and the next change."""

    is_open: bool
    closes_at: datetime | None
    opens_at: datetime | None


def register_calendar(app: Flask, provider: CalendarProvider) -> None:
    """Make ``provider(session)`` the source of the working calendar for ``app``."""
    app.extensions["desk_calendar"] = provider


def get_calendar() -> WorkingCalendar:
    """Return the working-hours calendar with the closures and openings staff announced."""
    from portal.extensions import db

    provider: CalendarProvider = current_app.extensions["desk_calendar"]
    return provider(db.session())


def desk_status(calendar: WorkingCalendar, moment: datetime) -> DeskStatus:
    """Tell whether the desk is open at ``moment`` and when that changes."""
    if calendar.is_open(moment):
        return DeskStatus(True, calendar.closes_at(moment), None)
    return DeskStatus(False, None, calendar.next_opening(moment))


def desk_key(calendar: WorkingCalendar | None = None) -> tuple[bool, datetime | None, date]:
    """What the layout shows about this moment: open or not, until when, and today's date."""
    moment, calendar = now(), calendar or get_calendar()
    status = desk_status(calendar, moment)
    return status.is_open, status.closes_at or status.opens_at, moment.astimezone(calendar.tz).date()
