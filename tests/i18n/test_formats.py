"""Dates, clock times and numbers follow the page's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import force_locale

from portal.core.templating import format_number, format_size
from portal.core.timefmt import format_clock, format_day, format_wib

MOMENT = datetime(2026, 11, 30, 3, 0, tzinfo=ZoneInfo("UTC"))  # 10.00 WIB


def test_dates_in_each_language(app):
    with app.test_request_context("/"):
        assert format_wib(MOMENT) == "Senin, 30 November 2026 pukul 10.00 WIB"
        assert format_wib(MOMENT, with_date=False) == "10.00 WIB"
        assert format_clock("08:00") == "08.00"
        with force_locale("en"):
            assert format_wib(MOMENT) == "Monday, 30 November 2026 at 10:00 WIB"
            assert format_wib(MOMENT, with_date=False) == "10:00 WIB"
            assert format_day(MOMENT) == "Monday"
            assert format_clock("08:00") == "08:00"


def test_numbers_in_each_language(app):
    with app.test_request_context("/"):
        assert format_number(1234.5) == "1.234,5"
        assert format_size(1536 * 1024) == "1,5 MB"
        with force_locale("en"):
            assert format_number(1234.5) == "1,234.5"
            assert format_size(1536 * 1024) == "1.5 MB"


def test_the_footer_hours_follow_the_language(client):
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Monday – Friday, 08:00 to 16:00 WIB" in english
    assert "Senin – Jumat, pukul 08.00 s.d. 16.00 WIB" in client.get("/").get_data(as_text=True)
