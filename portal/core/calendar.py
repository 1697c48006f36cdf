"""Working-hours calendar: 08.00–16.00 WIB on working days, closed on Indonesian holidays.

One object answers "is the help desk open now?", "when does it open next?", "add N
working hours to t" and "how many working hours lie between a and b". Holidays come
from the ``holidays`` package (public holidays plus cuti bersama); days that staff
close or open by announcement are passed in as explicit sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

# Guards the loops below against a calendar with no working day at all.
MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class WorkingCalendar:
    """Working hours of one help desk, in its own time zone."""

    open_time: time
    close_time: time
    weekdays: frozenset[int]  # ISO weekdays, 1 = Monday
    tz: ZoneInfo
    closed_days: frozenset[date] = field(default_factory=frozenset)
    open_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def from_hours(
        cls,
        hours,
        closed_days: Iterable[date] = (),
        open_days: Iterable[date] = (),
    ) -> WorkingCalendar:
        """Build a calendar from the catalog's ``hours`` section and staff overrides."""
        return cls(
            open_time=time.fromisoformat(hours.open),
            close_time=time.fromisoformat(hours.close),
            weekdays=frozenset(hours.weekdays),
            tz=ZoneInfo(hours.timezone),
            closed_days=frozenset(closed_days),
            open_days=frozenset(open_days),
        )

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        # categories public + government: national holidays and cuti bersama.
        return holidays.country_holidays("ID", categories=("public", "government"))

    @property
    def hours_per_day(self) -> float:
        """Length of one working day in hours."""
        start = datetime.combine(date.min, self.open_time)
        end = datetime.combine(date.min, self.close_time)
        return (end - start).total_seconds() / 3600

    def holiday_name(self, day: date) -> str | None:
        """Return the name of the holiday on ``day``, if any."""
        return self._holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        """Tell whether the desk works on ``day`` (staff openings beat holidays)."""
        if day in self.open_days:
            return True
        if day in self.closed_days or day in self._holidays:
            return False
        return day.isoweekday() in self.weekdays

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("the calendar needs timezone-aware datetimes")
        return moment.astimezone(self.tz)

    def _opening(self, day: date) -> datetime:
        return datetime.combine(day, self.open_time, self.tz)

    def _closing(self, day: date) -> datetime:
        return datetime.combine(day, self.close_time, self.tz)

    def is_open(self, moment: datetime) -> bool:
        """Tell whether the desk is staffed at ``moment``."""
        local = self._local(moment)
        return self.is_working_day(local.date()) and self._opening(local.date()) <= local < self._closing(local.date())

    def closes_at(self, moment: datetime) -> datetime | None:
        """Return today's closing time when the desk is open at ``moment``."""
        local = self._local(moment)
        return self._closing(local.date()) if self.is_open(local) else None

    def next_opening(self, moment: datetime) -> datetime:
        """Return the first moment at or after ``moment`` when the desk is open."""
        local = self._local(moment)
        if self.is_open(local):
            return local
        day = local.date()
        if local < self._opening(day) and self.is_working_day(day):
            return self._opening(day)
        for _ in range(MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return self._opening(day)
        raise RuntimeError("no working day within ten years")

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Return the moment ``hours`` working hours after ``start``.

        A start outside working hours counts from the next opening, as section C.3 of
        the catalog says requests outside hours are handled on the next working day.
        """
        remaining = timedelta(hours=hours)
        current = self.next_opening(start)
        for _ in range(MAX_SCAN_DAYS):
            left_today = self._closing(current.date()) - current
            if remaining <= left_today:
                return current + remaining
            remaining -= left_today
            current = self.next_opening(self._closing(current.date()))
        raise RuntimeError("no working day within ten years")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Count the working hours between two moments (0 when ``end`` is not later)."""
        start, end = self._local(start), self._local(end)
        if end <= start:
            return 0.0
        total = timedelta()
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                lo = max(start, self._opening(day))
                hi = min(end, self._closing(day))
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 3600
