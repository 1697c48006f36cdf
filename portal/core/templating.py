"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app

from portal.catalog import service as rules
from portal.core.calendar import WorkingCalendar
from portal.core.timefmt import format_day, format_wib


def get_calendar() -> WorkingCalendar:
    """Return this application's working-hours calendar (built once)."""
    calendar = current_app.extensions.get("calendar")
    if calendar is None:
        calendar = WorkingCalendar.from_hours(current_app.extensions["catalog"].hours)
        current_app.extensions["calendar"] = calendar
    return calendar


def now() -> datetime:
    """Return the current time; tests override ``PORTAL_NOW`` to freeze it."""
    frozen = current_app.config.get("NOW")
    return frozen if frozen is not None else datetime.now(UTC)


def init_app(app: Flask) -> None:
    """Register filters and the layout's context (catalog, desk status)."""
    app.add_template_filter(format_wib, "wib")
    app.add_template_filter(format_day, "weekday")

    @app.context_processor
    def layout_context() -> dict:
        moment = now()
        return {
            "layout_catalog": current_app.extensions["catalog"],
            "desk": rules.desk_status(get_calendar(), moment),
            "now": moment,
            "has_endpoint": lambda name: name in current_app.view_functions,
        }
