"""The home page says whether the help desk is open right now, in Indonesian."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 30, 10, 0, tzinfo=WIB), "Buka — tutup pukul 16.00 WIB"),
        (datetime(2026, 11, 27, 17, 0, tzinfo=WIB), "Tutup — buka kembali Senin pukul 08.00 WIB"),
        (datetime(2026, 11, 30, 6, 30, tzinfo=WIB), "Tutup — buka kembali hari ini pukul 08.00 WIB"),
        (datetime(2026, 12, 24, 17, 0, tzinfo=WIB), "Tutup — buka kembali"),
    ],
)
def test_desk_status(make_app, moment, expected):
    client = make_app(NOW=moment).test_client()
    body = " ".join(client.get("/").get_data(as_text=True).split())
    assert expected in body


def test_wib_format(app):
    from portal.core.timefmt import format_wib

    with app.test_request_context():
        formatted = format_wib(datetime(2026, 11, 30, 3, 0, tzinfo=ZoneInfo("UTC")))
    assert formatted == "Senin, 30 November 2026 pukul 10.00 WIB"


def test_closure_is_announced_and_honoured(make_app):
    app = make_app(NOW=datetime(2026, 11, 27, 17, 0, tzinfo=WIB))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kalender", "tutup", "2026-11-30", "--alasan", "Pemeliharaan sistem"])
    assert result.exit_code == 0, result.output
    body = " ".join(app.test_client().get("/").get_data(as_text=True).split())
    assert "Layanan tutup 30-11-2026" in body and "Pemeliharaan sistem" in body
    assert "Tutup — buka kembali Selasa pukul 08.00 WIB" in body


def test_closing_a_past_day_names_both_dates_and_changes_nothing(make_app):
    app = make_app(NOW=datetime(2026, 12, 4, 9, 0, tzinfo=WIB))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kalender", "tutup", "2026-11-30", "--alasan", "Pemeliharaan sistem"])
    assert result.exit_code == 1
    assert "Tanggal (30-11-2026) sebelum hari ini (04-12-2026)" in result.output
    listing = runner.invoke(args=["kalender", "daftar"]).output
    assert "Mulai hari ini (04-12-2026)" in listing and "2026-11-30" not in listing


def test_announcement_dates_are_checked_against_the_application_clock(make_app):
    app = make_app(NOW=datetime(2026, 12, 4, 9, 0, tzinfo=WIB))
    runner = app.test_cli_runner()
    add = ["pengumuman", "tambah", "--judul", "Libur", "--mulai"]
    ended = runner.invoke(args=[*add, "2026-11-20", "--selesai", "2026-11-30"])
    assert ended.exit_code == 1
    assert "Tanggal selesai (30-11-2026) sebelum hari ini (04-12-2026)" in ended.output
    reversed_ = runner.invoke(args=[*add, "2026-12-20", "--selesai", "2026-12-10"])
    assert reversed_.exit_code == 1
    assert "Tanggal selesai (10-12-2026) sebelum tanggal mulai (20-12-2026)" in reversed_.output
    assert runner.invoke(args=[*add, "2026-12-04", "--selesai", "2026-12-10"]).exit_code == 0
    assert "Libur" in app.test_client().get("/").get_data(as_text=True)


def test_opened_day_is_honoured(make_app):
    app = make_app(NOW=datetime(2026, 11, 28, 9, 0, tzinfo=WIB))  # a Saturday
    app.test_cli_runner().invoke(args=["kalender", "buka", "2026-11-28", "--alasan", "Layanan akhir tahun"])
    body = " ".join(app.test_client().get("/").get_data(as_text=True).split())
    assert "Buka — tutup pukul 16.00 WIB" in body


def test_pages_name_an_icon_of_our_own_so_browsers_do_not_ask_for_a_missing_favicon(client):
    from bs4 import BeautifulSoup

    icon = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser").find("link", rel="icon")
    assert icon is not None and icon["href"].startswith("/static/")
    served = client.get(icon["href"])
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    served.close()  # a static file answer holds the file open until closed
