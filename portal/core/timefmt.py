"""Date and time formatting in the page's language.

"Senin, 30 November 2026 pukul 10.00 WIB" in Indonesian, "Monday, 30 November 2026 at 10:00 WIB"
in English: names of days and months from Babel's locale data, the clock in each language's own way.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime as babel_format_datetime
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

DATE_PATTERN = "EEEE, d MMMM y"
TIME_PATTERN = "HH.mm"
# Indonesian writes the clock with a dot (10.00), English with a colon (10:00).
TIME_PATTERNS = {"id": "HH.mm", "en": "HH:mm"}


def format_wib(moment: datetime, with_date: bool = True) -> str:
    """Format an aware datetime in the portal's time zone, in the page's language.

    The zone label is written out because Babel's own abbreviations are not the ones
    Indonesians use (WIB, WITA, WIT).
    """
    tz = get_timezone()
    local = moment.astimezone(tz)
    label = "WIB" if str(tz) in {"Asia/Jakarta", "Asia/Pontianak"} else local.tzname()
    locale = get_locale()
    pattern = TIME_PATTERNS.get(locale.language if locale else "id", TIME_PATTERN)
    clock = babel_format_datetime(local, pattern, tzinfo=tz, locale=locale)
    if not with_date:
        return f"{clock} {label}"
    day = babel_format_datetime(local, DATE_PATTERN, tzinfo=tz, locale=locale)
    return _("%(day)s pukul %(clock)s %(zone)s", day=day, clock=clock, zone=label)


def format_day(moment: datetime) -> str:
    """Format only the weekday name ("Senin", "Monday") of a moment, in the page's language."""
    tz = get_timezone()
    return babel_format_datetime(moment.astimezone(tz), "EEEE", tzinfo=tz, locale=get_locale())


def format_clock(hours_minutes: str) -> str:
    """Write a catalog time "08:00" as the page's language does: "08.00" in Indonesian, "08:00" in English."""
    locale = get_locale()
    return hours_minutes.replace(":", ".") if (locale is None or locale.language == "id") else hours_minutes
