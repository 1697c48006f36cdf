"""Template globals and filters shared by every page."""

from __future__ import annotations

from flask import Flask, current_app
from markupsafe import Markup

from portal.catalog import service as rules
from portal.core.calendar import WorkingCalendar
from portal.core.clock import now
from portal.core.timefmt import format_day, format_wib


def get_calendar() -> WorkingCalendar:
    """Return the working-hours calendar with the closures and openings staff announced."""
    from portal.extensions import db

    return current_app.extensions["calendar_cache"].get(db.session)


def format_number(value: float, digits: int = 1) -> str:
    """Return a number with exactly ``digits`` decimals in the page's locale: "0,5", "1.234,0"."""
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    return format_decimal(value, "#,##0" + ("." + "0" * digits if digits else ""), locale=get_locale())


def format_size(size: int) -> str:
    """Return a file size for people, in the page's locale: "0,1 KB", "12 KB", "1,5 MB".

    Never "0 KB": a file that exists is shown as at least a tenth of a kilobyte.
    """
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    unit, scale = ("MB", 1024**2) if size >= 1024**2 else ("KB", 1024)
    return f"{format_decimal(max(size / scale, 0.1), '#,##0.#', locale=get_locale())} {unit}"


def csrf_field(form) -> Markup:
    """Render a form's CSRF token without an id: pages with several forms would repeat it.

    Empty when the form has no token field (CSRF protection turned off, as in most tests).
    """
    token = getattr(form, "csrf_token", None)
    return token(id=False) if token is not None else Markup("")


def desk_key() -> tuple:
    """What the layout shows about this moment: open or not, until when, and today's date."""
    moment, calendar = now(), get_calendar()
    status = rules.desk_status(calendar, moment)
    return status.is_open, status.closes_at or status.opens_at, moment.astimezone(calendar.tz).date()


def init_app(app: Flask) -> None:
    """Register filters and the layout's context (catalog, desk status)."""
    from portal.core.pagecache import PageCache
    from portal.notices.service import CalendarCache

    app.extensions["calendar_cache"] = CalendarCache(app.extensions["catalog"].hours)
    app.extensions["page_cache"] = PageCache()
    app.add_template_filter(format_wib, "wib")
    app.add_template_filter(format_day, "weekday")
    app.add_template_filter(format_size, "filesize")
    app.add_template_filter(format_number, "number")
    from portal.tickets.fields import field_label

    app.add_template_global(field_label, "field_label")
    app.add_template_global(csrf_field, "csrf_field")
    from portal.core import i18n

    i18n.install(app)  # translations looked up once per request, not once per string

    @app.context_processor
    def layout_context() -> dict:
        moment = now()
        return {
            "layout_catalog": current_app.extensions["catalog"],
            "desk": rules.desk_status(get_calendar(), moment),
            "now": moment,
            "has_endpoint": lambda name: name in current_app.view_functions,
        }
