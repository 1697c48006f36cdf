"""Administrators read the audit trail: filters, pages, CSV export safe for spreadsheets (#19 item 5)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup

from portal.audit import service as audit
from portal.extensions import db
from tests.staff.conftest import FRIDAY_3PM, WIB, signed_in

URL = "/staf/admin/log"


def seed(app, people, count=3, **values):
    """Write ``count`` entries through the service, as the features do."""
    with app.app_context():
        for i in range(count):
            fields = {
                "actor_id": people["agen"],
                "action": "canned.update",
                "object_type": "canned_reply",
                "object_id": i + 1,
                "before": {"judul": "Lama"},
                "after": {"judul": "Baru"},
                "summary": f"entri {i}",
            } | values
            audit.record(db.session, **fields)
        db.session.commit()


def rows(page) -> list:
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    return [tr.get_text(" ", strip=True) for tr in soup.select("tr[data-entry]")]


def test_only_administrators_open_the_log(app, people):
    for email in ("agen@kemenkeu.go.id", "ketua@kemenkeu.go.id"):
        client = signed_in(app, email)
        assert client.get(URL).status_code == 404
        assert client.get(f"{URL}.csv").status_code == 404
        assert "Log audit" not in client.get("/staf/").get_data(as_text=True)
    admin = signed_in(app, "admin@kemenkeu.go.id")
    assert 'href="/staf/admin/log"' in admin.get("/staf/").get_data(as_text=True)
    assert app.test_client().get(URL).status_code in (302, 303)  # not signed in: to the sign-in page


def test_the_page_shows_actor_time_object_and_before_after(app, people):
    seed(app, people, count=1)
    page = signed_in(app, "admin@kemenkeu.go.id").get(URL, query_string={"objek": "canned_reply"})
    assert page.status_code == 200 and page.headers["Cache-Control"].startswith("no-store")
    (row,) = rows(page)
    assert "Petugas Uji" in row and "agen@kemenkeu.go.id" in row
    assert "Jumat, 27 November 2026 pukul 15.00 WIB" in row
    assert "Balasan siap pakai diubah" in row and "judul: Lama" in row and "judul: Baru" in row


def test_filters_by_actor_action_object_and_dates(app, people):
    seed(app, people, count=2)
    seed(app, people, count=1, actor_id=people["ketua"], action="calendar.set", object_type="calendar",
         object_id="2026-12-24", summary="tutup")
    admin = signed_in(app, "admin@kemenkeu.go.id")
    assert len(rows(admin.get(URL))) == 3 + 5  # and the five accounts of ``people``, made by no one
    assert len(rows(admin.get(URL, query_string={"objek": "account"}))) == 5
    (row,) = rows(admin.get(URL, query_string={"pelaku": people["ketua"]}))
    assert "ketua@kemenkeu.go.id" in row and "2026-12-24" in row
    assert len(rows(admin.get(URL, query_string={"aksi": "canned.update"}))) == 2
    assert len(rows(admin.get(URL, query_string={"objek": "calendar"}))) == 1
    assert len(rows(admin.get(URL, query_string={"objek": "canned_reply", "objek_id": "2"}))) == 1
    assert len(rows(admin.get(URL, query_string={"dari": "2026-11-27", "sampai": "2026-11-27"}))) == 3 + 5
    assert rows(admin.get(URL, query_string={"dari": "2026-11-28"})) == []
    assert rows(admin.get(URL, query_string={"sampai": "2026-11-26"})) == []


def test_date_range_is_in_wib(app, people):
    # 00.30 WIB on 28 November is still 27 November in UTC: the filter's days are the desk's days.
    app.config["NOW"] = FRIDAY_3PM.replace(hour=23, minute=30) + timedelta(hours=1)
    seed(app, people, count=1)
    admin = signed_in(app, "admin@kemenkeu.go.id")
    only_seeded = {"aksi": "canned.update"}
    assert len(rows(admin.get(URL, query_string={**only_seeded, "dari": "2026-11-28", "sampai": "2026-11-28"}))) == 1
    assert rows(admin.get(URL, query_string={**only_seeded, "sampai": "2026-11-27"})) == []


@pytest.mark.parametrize(
    "query",
    [{"dari": "kemarin"}, {"sampai": "2026-13-45"}, {"dari": "2026-12-02", "sampai": "2026-12-01"}],
)
def test_bad_dates_get_a_message_not_a_500(app, people, query):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    page = admin.get(URL, query_string=query)
    assert page.status_code == 400 and 'role="alert"' in page.get_data(as_text=True)
    assert admin.get(f"{URL}.csv", query_string=query).status_code == 400


def test_junk_in_the_query_string_is_ignored(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    junk = {"pelaku": "x", "halaman": "-1", "_external": "1", "_scheme": "javascript", "aksi": "a" * 500}
    assert admin.get(URL, query_string=junk).status_code == 200


def test_pages_of_fifty(app, people):
    seed(app, people, count=audit.PAGE_SIZE + 5)
    admin = signed_in(app, "admin@kemenkeu.go.id")
    first = admin.get(URL, query_string={"aksi": "canned.update"})
    assert len(rows(first)) == audit.PAGE_SIZE
    soup = BeautifulSoup(first.get_data(as_text=True), "html.parser")
    next_link = soup.select_one("a[rel=next]")["href"]
    assert "aksi=canned.update" in next_link and "halaman=2" in next_link
    second = admin.get(next_link)
    assert len(rows(second)) == 5 and "entri 0" in rows(second)[-1]  # newest first: the oldest is last


def test_csv_export_follows_the_filter_and_neutralises_formulas(app, people):
    seed(app, people, count=1, summary="=HYPERLINK(\"http://evil\")", after={"judul": "+1+1"})
    seed(app, people, count=1, action="calendar.set", object_type="calendar", object_id="@SUM(A1)")
    admin = signed_in(app, "admin@kemenkeu.go.id")
    response = admin.get(f"{URL}.csv", query_string={"aksi": "canned.update"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=log-audit-hai-djpb-")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][:4] == ["waktu_wib", "pelaku_id", "pelaku", "aksi"]
    assert len(table) == 2  # the filter holds: the calendar entry is not exported
    row = dict(zip(table[0], table[1], strict=True))
    assert row["ringkasan"] == "'=HYPERLINK(\"http://evil\")"
    assert row["sesudah"] == "judul: +1+1"  # not at the cell's start: harmless, kept as is
    assert row["pelaku"] == "Petugas Uji <agen@kemenkeu.go.id>"
    assert datetime.fromisoformat(row["waktu_wib"]) == FRIDAY_3PM.astimezone(WIB)
    everything = list(csv.reader(io.StringIO(admin.get(f"{URL}.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[5] for r in everything[1:] if r[3] == "calendar.set"] == ["'@SUM(A1)"]
