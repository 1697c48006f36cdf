"""Template globals and filters shared by every page, and the hooks features add theirs with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from portal.core.clock import now
from portal.core.desk import desk_status, get_calendar
from portal.core.timefmt import format_clock, format_day, format_wib


def register_global(app: Flask, name: str, value: Any) -> None:
    """Make ``value`` available to every template as ``name`` (a feature's helper or constant)."""
    app.add_template_global(value, name)


def register_context(app: Flask, processor: Callable[[], dict[str, Any]]) -> None:
    """Add a feature's values to the context of every template (e.g. the loaded catalog)."""
    app.context_processor(processor)


def format_number(value: float, digits: int = 1) -> str:
    """Return a number with exactly ``digits`` decimals in the page's locale: "0,5", "1.234,0".

    Every decimal a page shows goes through here (the ``number`` filter), never ``round`` or
    ``"%.1f"``: those write "0.0" where an Indonesian reader expects "0,0".
    """
    from flask_babel import format_decimal

    return str(format_decimal(value, "#,##0" + ("." + "0" * digits if digits else "")))


def format_size(size: int) -> str:
    """Return a file size for people, in the page's locale: "0,1 KB", "12 KB", "1,5 MB".

    Never "0 KB": a file that exists is shown as at least a tenth of a kilobyte.
    """
    from flask_babel import format_decimal

    unit, scale = ("MB", 1024**2) if size >= 1024**2 else ("KB", 1024)
    return f"{format_decimal(max(size / scale, 0.1), '#,##0.#')} {unit}"


def csrf_field(form: Any) -> Markup:
    """Render a form's CSRF token without an id: pages with several forms would repeat it.

    Empty when the form has no token field (CSRF protection turned off, as in most tests).
    """
    # The field is named by WTF_CSRF_FIELD_NAME (Flask-WTF's form meta reads it).
    token = getattr(form, getattr(getattr(form, "meta", None), "csrf_field_name", "csrf_token"), None)
    return token(id=False) if token is not None else Markup("")


def init_app(app: Flask) -> None:
    """Register filters and the layout's context (desk status, the moment, known endpoints)."""
    app.add_template_filter(format_wib, "wib")
    app.add_template_filter(format_day, "weekday")
    app.add_template_filter(format_clock, "clock")
    app.add_template_filter(format_size, "filesize")
    app.add_template_filter(format_number, "number")
    register_global(app, "csrf_field", csrf_field)
    from portal.core import i18n

    i18n.install(app)  # translations looked up once per request, not once per string

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        moment = now()
        return {
            "desk": desk_status(get_calendar(), moment),
            "now": moment,
            "has_endpoint": lambda name: name in current_app.view_functions,
        }
