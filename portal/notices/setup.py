"""Wire announcements and calendar overrides into an application: the calendar, CLI groups."""

from __future__ import annotations

from flask import Flask

from portal.core.desk import register_calendar
from portal.core.shared import shared_version
from portal.core.signals import public_content_changed
from portal.notices.cli import calendar_cli, notice_cli
from portal.notices.service import CalendarCache


def init_app(app: Flask) -> None:
    """Serve the desk's calendar from the overrides, refreshed when they change."""
    cache = app.extensions["calendar_cache"] = CalendarCache(
        app.extensions["catalog"].hours, shared_version(app).current
    )
    register_calendar(app, cache.get)

    @public_content_changed.connect_via(app)
    def forget_calendar(sender: Flask, **extra: object) -> None:
        cache.invalidate()

    app.cli.add_command(calendar_cli)
    app.cli.add_command(notice_cli)
