"""Dashboard figures against tickets with known times, the SVG chart, the CSV export and its neutralising."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, update

from portal.core.calendar import WorkingCalendar
from portal.extensions import db
from portal.tickets.models import Survey, Ticket
from portal.tickets.workflow import transition
from tests.staff.conftest import WIB, new_ticket, signed_in


@pytest.fixture
def app(make_app):
    """The back office on Friday 27 November 2026, 15.00 WIB, figures never cached."""
    from tests.staff.conftest import FRIDAY_3PM

    return make_app(NOW=FRIDAY_3PM, DASHBOARD_CACHE_SECONDS=0)


def at(day: str, hour: int) -> datetime:
    """A moment in WIB, e.g. at("2026-11-02", 8)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=WIB)


def shape(app, reference: str, received: datetime, steps=(), **columns) -> None:
    """Give a ticket a receipt time, then walk it through ``steps`` of (status, moment)."""
    calendar = WorkingCalendar.from_hours(app.extensions["catalog"].hours)
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        norm = app.extensions["catalog"].service_of(t.code).max_hours
        t.received_at, t.due_at = received, calendar.add_working_hours(received, norm)
        for status, moment in steps:
            assert calendar.is_working_day(moment.date())
            transition(t, status, actor_id=None, calendar=calendar, now=moment, fulfilment="solusi")
        for key, value in columns.items():
            setattr(t, key, value)
        db.session.commit()


def rate(app, reference: str, rating: int) -> None:
    """Store a survey answer for a resolved ticket."""
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        db.session.add(Survey(ticket_id=t.id, rating=rating, comment="", created_at=t.resolved_at))
        db.session.commit()


@pytest.fixture
def known(app, people):
    """Tickets of Direktorat SITP (and one of another unit) whose figures are worked out by hand."""
    fast = new_ticket(app)  # CRSM.01, norm 16 working hours
    shape(app, fast, at("2026-11-02", 8), [("selesai", at("2026-11-02", 12))])  # 4 h: within
    slow = new_ticket(app)
    shape(app, slow, at("2026-11-02", 8), [("selesai", at("2026-11-05", 10))])  # 8+8+8+2 = 26 h: beyond
    paused = new_ticket(app)
    # Tue 13 Oct 08.00, waits Tue 10.00 → Thu 10.00 (16 h paused), resolved Thu 14.00: 22 − 16 = 6 h.
    shape(
        app,
        paused,
        at("2026-10-13", 8),
        [
            ("menunggu-pengguna", at("2026-10-13", 10)),
            ("diproses", at("2026-10-15", 10)),
            ("selesai", at("2026-10-15", 14)),
        ],
    )
    late = new_ticket(app, code="ITSM.02", pengguna="5")  # norm 24 h, due Wed 18 Nov 16.00: overdue now
    shape(app, late, at("2026-11-16", 8))
    waiting = new_ticket(app, code="ITSM.02", pengguna="5")
    shape(app, waiting, at("2026-11-16", 8), [("menunggu-pengguna", at("2026-11-17", 9))])
    fresh = new_ticket(app)  # received now, due next week
    whatsapp = new_ticket(app)
    shape(app, whatsapp, at("2026-11-27", 9), channel="whatsapp")
    secretariat = new_ticket(app)  # made a BCSM.01 ticket of Sekretariat DJPb: not SITP's
    shape(app, secretariat, at("2026-11-27", 9), code="BCSM.01", service_code="BCSM.01", owner_unit="Sekretariat DJPb")
    rate(app, fast, 5)
    rate(app, slow, 2)
    return {"fast": fast, "slow": slow, "paused": paused, "late": late, "waiting": waiting, "fresh": fresh}


def cells(page: str, table: str) -> dict[str, dict[str, str]]:
    """Map service code → {data attribute: text} for one table of the dashboard."""
    soup = BeautifulSoup(page, "html.parser")
    rows = soup.select(f'table[data-table="{table}"] tbody tr')
    return {
        tr["data-code"]: {
            key: td.get_text(strip=True) for td in tr.find_all("td") for key in td.attrs if key.startswith("data-")
        }
        for tr in rows
    }


def test_figures_against_known_tickets(app, known):
    from portal.staff import dashboard

    with app.app_context():
        figures = dashboard.compute(
            db.session,
            app.extensions["catalog"],
            WorkingCalendar.from_hours(app.extensions["catalog"].hours),
            ("Direktorat SITP",),
            app.config["NOW"],
        )
    rows = {s.code: s for s in figures.services}
    assert "WBSM.01" not in rows and "BCSM.01" not in rows
    crsm, itsm = rows["CRSM.01"], rows["ITSM.02"]
    assert (crsm.open, crsm.overdue, crsm.waiting) == (2, 0, 0)  # fresh + whatsapp
    assert (itsm.open, itsm.overdue, itsm.waiting) == (2, 1, 1)
    assert crsm.resolved == {"2026-11": 2, "2026-10": 1}
    assert crsm.compliant == {"2026-11": 1, "2026-10": 1}
    assert crsm.percent("2026-11") == 50.0 and crsm.percent("2026-10") == 100.0 and crsm.percent("2026-09") is None
    assert crsm.median_hours == 6.0  # of 4, 6 and 26
    assert (crsm.survey_count, crsm.survey_average) == (2, 3.5)
    assert figures.channels == {"portal": 6, "whatsapp": 1}
    assert [m.key for m in figures.months] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]


def test_resolution_time_is_stored_when_resolving_and_cleared_on_reopening(app, known):
    calendar = WorkingCalendar.from_hours(app.extensions["catalog"].hours)
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == known["paused"])).one()
        assert t.resolved_hours == 6.0
        transition(t, "diproses", actor_id=None, calendar=calendar, now=at("2026-10-16", 9))
        assert t.resolved_hours is None and t.resolved_at is None
        db.session.rollback()


def test_dashboard_page_shows_the_figures(app, known):
    lead = signed_in(app, "ketua@kemenkeu.go.id")
    page = lead.get("/staf/dasbor").get_data(as_text=True)
    assert cells(page, "terbuka")["ITSM.02"] == {"data-open": "2", "data-overdue": "1", "data-waiting": "1"}
    compliance = BeautifulSoup(page, "html.parser").select_one('table[data-table="kepatuhan"] tr[data-code="CRSM.01"]')
    assert compliance.select_one('td[data-month="2026-11"]').get_text(strip=True) == "1/2 (50,0%)"
    assert compliance.select_one('td[data-month="2026-10"]').get_text(strip=True) == "1/1 (100,0%)"
    assert cells(page, "waktu")["CRSM.01"]["data-median"] == "6,0"
    assert cells(page, "kepuasan")["CRSM.01"] == {"data-surveys": "2", "data-rating": "3,50"}
    soup = BeautifulSoup(page, "html.parser")
    svg = soup.select_one('svg[aria-labelledby^="grafik-CRSM-01"]')
    assert svg["role"] == "img" and svg.find("title") and "50,0 % (1 dari 2)" in svg.find("desc").get_text()
    assert len(svg.select("rect.bar")) == 2  # October and November; the other months show "–"
    assert soup.select_one('tr[data-channel="whatsapp"] td').get_text() == "1"
    assert 'style="' not in page and "<script" not in page  # CSP: no inline style or script


def test_every_staff_member_sees_only_their_units(app, known):
    other = signed_in(app, "setditjen@kemenkeu.go.id")  # agent of Sekretariat DJPb
    page = other.get("/staf/dasbor").get_data(as_text=True)
    assert list(cells(page, "terbuka")) == ["BCSM.01"]
    assert cells(page, "terbuka")["BCSM.01"]["data-open"] == "1"
    agent = signed_in(app, "agen@kemenkeu.go.id")
    assert "CRSM.01" in cells(agent.get("/staf/dasbor").get_data(as_text=True), "terbuka")


def test_tickets_resolved_before_times_were_stored_are_filled_in(app, known):
    with app.app_context():
        db.session.execute(update(Ticket).values(resolved_hours=None))
        db.session.commit()
    lead = signed_in(app, "ketua@kemenkeu.go.id")
    assert cells(lead.get("/staf/dasbor").get_data(as_text=True), "waktu")["CRSM.01"]["data-median"] == "6,0"
    with app.app_context():
        stored = db.session.scalars(select(Ticket.resolved_hours).where(Ticket.resolved_at.is_not(None))).all()
        assert sorted(stored) == [4.0, 6.0, 26.0]


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_csv_export_has_the_same_figures(app, known):
    rows = read_csv(signed_in(app, "ketua@kemenkeu.go.id").get("/staf/dasbor.csv"))
    assert rows[0] == ["metrik", "kode", "nama", "bulan", "nilai"]
    table = {(r[0], r[1], r[3]): r[4] for r in rows[1:]}
    assert table[("terbuka", "ITSM.02", "")] == "2"
    assert table[("melewati_norma", "ITSM.02", "")] == "1"
    assert table[("selesai", "CRSM.01", "2026-11")] == "2"
    assert table[("persen_dalam_norma", "CRSM.01", "2026-11")] == "50.0"
    assert table[("median_jam_kerja_selesai", "CRSM.01", "")] == "6.0"
    assert table[("kanal", "whatsapp", "")] == "1"
    assert not any(r[1].startswith(("BCSM", "WBSM")) for r in rows[1:])


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_formula_prefixes(prefix):
    from portal.staff.dashboard_views import neutralise

    assert neutralise(f"{prefix}1+1") == f"'{prefix}1+1"
    assert neutralise("Layanan =1") == "Layanan =1"
    assert neutralise(12) == "12" and neutralise(None) == ""


def test_csv_neutralises_cells_that_spreadsheets_would_run(app, known):
    with app.app_context():
        db.session.execute(update(Ticket).where(Ticket.reference == known["fresh"]).values(channel='=HYPERLINK("x")'))
        db.session.execute(update(Ticket).where(Ticket.reference == known["late"]).values(channel="@SUM(A1)"))
        db.session.execute(update(Ticket).where(Ticket.reference == known["waiting"]).values(channel="-2+3"))
        db.session.commit()
    rows = read_csv(signed_in(app, "ketua@kemenkeu.go.id").get("/staf/dasbor.csv"))
    cells_ = [c for r in rows for c in r]
    assert '\'=HYPERLINK("x")' in cells_ and "'@SUM(A1)" in cells_ and "'-2+3" in cells_
    assert not [c for c in cells_ if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


# Decimals on staff pages are Indonesian ("1,5", never "1.5"), like SIAP's (#17 item 13).
# One decimal after a dot, outside the catalog's version "2023.0" (times are "pukul 10.00": two digits).
ENGLISH_DECIMAL = re.compile(r"(?<![\d.])(?!2023\.0)\d+\.\d(?![\d.])")


def text_of(page: str) -> str:
    return BeautifulSoup(page, "html.parser").get_text(" ")


def test_the_ticket_page_shows_working_hours_with_a_decimal_comma(app, people):
    reference = new_ticket(app)  # CRSM.01, norm 16 working hours; the clock stands at Friday 15.00 WIB
    shape(app, reference, at("2026-11-27", 13).replace(minute=30))
    page = signed_in(app, "agen@kemenkeu.go.id").get(f"/staf/tiket/{reference}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("dd[data-elapsed]").get_text(strip=True) == "1,5"
    assert soup.select_one("dd[data-remaining]").get_text(strip=True) == "14,5"
    assert not ENGLISH_DECIMAL.search(text_of(page)), ENGLISH_DECIMAL.search(text_of(page))


def test_the_dashboard_shows_no_english_decimal(app, known):
    page = signed_in(app, "ketua@kemenkeu.go.id").get("/staf/dasbor").get_data(as_text=True)
    assert "6,0" in text_of(page) and "3,50" in text_of(page)
    assert not ENGLISH_DECIMAL.search(text_of(page)), ENGLISH_DECIMAL.search(text_of(page))
