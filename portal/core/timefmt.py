"""Indonesian date and time formatting ("Senin, 30 November 2026 pukul 10.00 WIB")."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime as babel_format_datetime
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

DATE_PATTERN = "EEEE, d MMMM y"
TIME_PATTERN = "HH.mm"


def format_wib(moment: datetime, with_date: bool = True) -> str:
    """Format an aware datetime in the portal's time zone, in Indonesian.

    The zone label is written out because Babel's own abbreviations are not the ones
    Indonesians use (WIB, WITA, WIT).
    """
    tz = get_timezone()
    local = moment.astimezone(tz)
    label = "WIB" if str(tz) in {"Asia/Jakarta", "Asia/Pontianak"} else local.tzname()
    locale = get_locale()
    clock = babel_format_datetime(local, TIME_PATTERN, tzinfo=tz, locale=locale)
    if not with_date:
        return f"{clock} {label}"
    day = babel_format_datetime(local, DATE_PATTERN, tzinfo=tz, locale=locale)
    return _("%(day)s pukul %(clock)s %(zone)s", day=day, clock=clock, zone=label)


def format_day(moment: datetime) -> str:
    """Format only the weekday name ("Senin") of a moment, in Indonesian."""
    tz = get_timezone()
    return babel_format_datetime(moment.astimezone(tz), "EEEE", tzinfo=tz, locale=get_locale())
