"""Working hours: 08.00–16.00 WIB, Monday to Friday, closed on holidays and cuti bersama."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from portal.core.calendar import WorkingCalendar

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def cal():
    return WorkingCalendar(time(8), time(16), frozenset({1, 2, 3, 4, 5}), WIB)


def test_open_and_closed(cal):
    assert cal.is_open(wib(2026, 11, 30, 10, 0))  # Monday
    assert not cal.is_open(wib(2026, 11, 30, 7, 59))
    assert not cal.is_open(wib(2026, 11, 30, 16, 0))
    assert not cal.is_open(wib(2026, 11, 28, 10, 0))  # Saturday


def test_friday_afternoon_plus_eight_hours_is_monday(cal):
    assert cal.add_working_hours(wib(2026, 11, 27, 15, 0), 8) == wib(2026, 11, 30, 15, 0)


def test_saturday_starts_monday_morning(cal):
    assert cal.next_opening(wib(2026, 11, 28, 9, 0)) == wib(2026, 11, 30, 8, 0)
    assert cal.add_working_hours(wib(2026, 11, 28, 9, 0), 2) == wib(2026, 11, 30, 10, 0)


def test_holiday_is_closed(cal):
    # 17 August is Independence Day; 25 December Christmas.
    assert not cal.is_working_day(date(2026, 8, 17))
    assert cal.holiday_name(date(2026, 12, 25))
    assert cal.next_opening(wib(2026, 12, 24, 16, 30)) > wib(2026, 12, 25, 23, 0)


def test_idul_fitri_2026_with_cuti_bersama(cal):
    # Idul Fitri 1447 H falls on 20-21 March 2026, with cuti bersama around it.
    closed = [d for d in range(16, 28) if not cal.is_working_day(date(2026, 3, d))]
    assert {20, 21, 22}.issubset(closed)
    assert any(
        cal.holiday_name(date(2026, 3, d)) and d not in (20, 21) and date(2026, 3, d).isoweekday() < 6 for d in closed
    ), "cuti bersama on a weekday"
    start = wib(2026, 3, 18, 15, 0)
    due = cal.add_working_hours(start, 8)
    assert cal.working_hours_between(start, due) == 8
    assert due.date() > date(2026, 3, 24)


def test_staff_closure_and_opening(cal):
    closed = WorkingCalendar(
        cal.open_time, cal.close_time, cal.weekdays, WIB, closed_days=frozenset({date(2026, 12, 1)})
    )
    assert not closed.is_working_day(date(2026, 12, 1))
    opened = WorkingCalendar(
        cal.open_time, cal.close_time, cal.weekdays, WIB, open_days=frozenset({date(2026, 11, 28)})
    )
    assert opened.is_open(wib(2026, 11, 28, 9, 0))


def test_working_hours_between(cal):
    assert cal.working_hours_between(wib(2026, 11, 27, 15, 0), wib(2026, 11, 30, 9, 0)) == 2
    assert cal.working_hours_between(wib(2026, 11, 30, 9, 0), wib(2026, 11, 27, 9, 0)) == 0


def test_naive_datetimes_are_refused(cal):
    with pytest.raises(ValueError):
        cal.is_open(datetime(2026, 11, 30, 10, 0))
