"""``/kinerja``: the latest stored figures, never computed per request."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import format_date, format_decimal, format_percent

from portal.extensions import db
from portal.performance import service

# A no-break space keeps "87,5 %" on one line; the locale chooses the decimal comma or point.
PERCENT = "#,##0.0\u00a0%"


def percent(share: float | None) -> str:
    """A share (0–1) in the page's locale, "87,5 %"; "—" when not shown."""
    return "—" if share is None else format_percent(share, format=PERCENT)


def decimal(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals in the page's locale, "12,5"; "—" when not shown."""
    return "—" if value is None else format_decimal(value, format="#,##0." + "0" * digits)


def day(moment: datetime) -> str:
    """A day in the page's locale and the desk's zone, "1 Januari 2026"."""
    return format_date(moment, "d MMMM y")


def index():
    """What the clock measures, per service, over the last 12 months (or "not yet computed")."""
    min_count = int(current_app.config["PERFORMANCE_MIN_COUNT"])
    return render_template(
        "performance/index.html",
        published=service.latest(db.session(), min_count),
        min_count=min_count,
        percent=percent,
        decimal=decimal,
        day=day,
    )
