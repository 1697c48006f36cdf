"""``/kinerja``: the dashboard's figures for every service, from a stored snapshot the job computes.

The tickets are built through the public form and walked through the workflow (the dashboard
tests' ``known`` set: CRSM.01 resolved in 4 h and 6 h, within its 16 h norm, and in 26 h, beyond
it; ratings 5 and 2), so the page is compared with what the desk's dashboard shows.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask_babel import format_decimal, format_percent
from sqlalchemy import func, select

from portal.core.calendar import WorkingCalendar
from portal.extensions import db
from portal.performance.models import PerformanceFigure, PerformanceSnapshot
from portal.staff import dashboard
from tests.staff.conftest import FRIDAY_3PM, new_ticket, signed_in
from tests.staff.test_dashboard import cells

NOW = FRIDAY_3PM.isoformat()


@pytest.fixture
def app(make_app):
    """The desk on Friday 27 November 2026, 15.00 WIB; every figure shown however few the tickets.

    Tiny Argon2id parameters for SIAP's keys (one test files a complaint).
    """
    return make_app(
        NOW=FRIDAY_3PM,
        DASHBOARD_CACHE_SECONDS=0,
        PERFORMANCE_MIN_COUNT=1,
        SIAP_ARGON2_MEMORY_KIB=64,
        SIAP_ARGON2_OPS=1,
    )


def run_job(app, moment: str = NOW) -> str:
    """``flask jobs run --now moment --only performance.refresh``; return its output line."""
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--now", moment, "--only", "performance.refresh"])
    assert result.exit_code == 0, result.output
    return result.output


def main_of(app) -> str:
    """The page's own content (the layout's menu links to SIAP, as on every page)."""
    response = app.test_client().get("/kinerja")
    assert response.status_code == 200
    return str(BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("main"))


def test_fresh_install_says_the_figures_are_not_computed_yet(app):
    page = main_of(app)
    assert "Belum ada data" in page and "<table" not in page
    footer = app.test_client().get("/layanan").get_data(as_text=True)
    assert 'href="/kinerja"' in footer


def test_the_page_shows_the_dashboards_figures(app, known):
    assert "performance.refresh: angka kinerja" in run_job(app)
    page = app.test_client().get("/kinerja").get_data(as_text=True)
    shown = cells(page, "kinerja")
    calendar = WorkingCalendar.from_hours(app.extensions["catalog"].hours)
    with app.test_request_context():  # the page's locale: Indonesian
        figures = dashboard.compute(db.session, app.extensions["catalog"], calendar, None, FRIDAY_3PM, months=12)
        for s in figures.services:
            row = shown[s.code]
            assert row["data-received"] == str(s.received)
            share = "—" if s.compliant_share is None else format_percent(s.compliant_share, "#,##0.0\u00a0%")
            assert row["data-share"].startswith(share)
            median = "—" if s.median_hours is None else format_decimal(s.median_hours, "#,##0.0")
            assert row["data-median"] == median
            survey = "—" if s.survey_average is None else format_decimal(s.survey_average, "#,##0.00")
            assert row["data-survey"].startswith(survey)
    # Worked out by hand, and the same as the unit's own dashboard shows for CRSM.01.
    assert shown["CRSM.01"] == {
        "data-received": "5",
        "data-share": "66,7\u00a0%dari 3 selesai",
        "data-median": "6,0",
        "data-survey": "3,50dari 2 penilaian",
    }
    assert shown["ITSM.02"]["data-received"] == "2" and shown["ITSM.02"]["data-share"] == "—"
    assert shown["BCSM.01"]["data-received"] == "1"  # every unit counts on the public page
    desk = signed_in(app, "ketua@kemenkeu.go.id").get("/staf/dasbor").get_data(as_text=True)
    assert cells(desk, "waktu")["CRSM.01"] == {"data-resolved": "3", "data-compliant": "2", "data-median": "6,0"}
    assert cells(desk, "kepuasan")["CRSM.01"]["data-rating"] == "3,50"
    assert "Diperbarui Jumat, 27 November 2026 pukul 15.00 WIB." in page
    assert "sejak 1 Desember 2025" in page  # twelve months: December 2025 to November 2026
    assert list(shown)[:3] == [s.code for s in app.extensions["catalog"].services if s.code != "WBSM.01"][:3]


def test_figures_are_read_from_the_snapshot_not_computed_per_request(app, known):
    run_job(app)
    before = cells(app.test_client().get("/kinerja").get_data(as_text=True), "kinerja")["CRSM.01"]
    new_ticket(app)
    after = cells(app.test_client().get("/kinerja").get_data(as_text=True), "kinerja")["CRSM.01"]
    assert after == before and before["data-received"] == "5"
    run_job(app, (FRIDAY_3PM + timedelta(days=1)).isoformat())
    assert cells(app.test_client().get("/kinerja").get_data(as_text=True), "kinerja")["CRSM.01"]["data-received"] == "6"


def test_the_job_runs_once_per_due_time(app):
    assert "angka kinerja" in run_job(app)
    assert "belum waktunya" in run_job(app, (FRIDAY_3PM + timedelta(hours=23, minutes=59)).isoformat())
    with app.app_context():
        assert db.session.scalar(select(PerformanceSnapshot.computed_at)) == FRIDAY_3PM
    later = FRIDAY_3PM + timedelta(hours=24)
    assert "angka kinerja" in run_job(app, later.isoformat())
    with app.app_context():  # one snapshot is kept, the latest
        assert db.session.scalars(select(PerformanceSnapshot.computed_at)).all() == [later]
        assert db.session.scalar(select(func.count(PerformanceFigure.id))) == len(
            [s for s in app.extensions["catalog"].services if s.code != "WBSM.01"]
        )
    assert "Diperbarui Sabtu, 28 November 2026 pukul 15.00 WIB." in main_of(app)


def test_small_numbers_show_a_dash(app, known):
    run_job(app)
    app.config["PERFORMANCE_MIN_COUNT"] = 5  # the default: CRSM.01 has 3 resolved tickets and 2 ratings
    page = app.test_client().get("/kinerja").get_data(as_text=True)
    row = cells(page, "kinerja")["CRSM.01"]
    assert row == {"data-received": "5", "data-share": "—", "data-median": "—", "data-survey": "—"}
    assert "kurang dari 5 tiket selesai" in page
    app.config["PERFORMANCE_MIN_COUNT"] = 3
    row = cells(app.test_client().get("/kinerja").get_data(as_text=True), "kinerja")["CRSM.01"]
    assert row["data-share"].startswith("66,7") and row["data-survey"] == "—"


def test_no_siap_and_no_personal_data(app, people, make_user):
    from portal.auth.models import User
    from portal.siap import formkeys, members

    marker = "SIAPMARKER7Q2X"
    password = "kata-sandi-sekretariat-1"
    lead_id = make_user(email="sekar@kemenkeu.go.id", role="ketua", units=("Sekretariat DJPb",), password=password)
    with app.app_context():
        members.init_unit(db.session, db.session.get(User, lead_id), password)
    data = {"kategori": "layanan", "peristiwa": marker, "uraian": f"Uraian {marker}", "anonim": "y"}
    with app.app_context():
        data["kunci"] = formkeys.new_key()
    assert app.test_client().post("/siap/lapor", data=data).status_code == 303
    new_ticket(app, nama="Siti Rahmawati", email="siti.rahmawati@satker.go.id", subjek="Subjek pribadi XYZ")
    misfiled = new_ticket(app)  # a help-desk ticket re-coded WBSM.01, as if filed before SIAP existed
    with app.app_context():
        from portal.tickets.models import Ticket

        t = db.session.scalars(select(Ticket).where(Ticket.reference == misfiled)).one()
        t.code = t.service_code = "WBSM.01"
        t.owner_unit = "Sekretariat DJPb"
        db.session.commit()
        run_job(app)
        assert (
            db.session.scalars(select(PerformanceFigure.code).where(PerformanceFigure.code.like("WBSM%"))).all() == []
        )
    page = main_of(app)
    assert cells(page, "kinerja")["CRSM.01"]["data-received"] == "1"
    for absent in (
        "WBSM",
        "SIAP",
        "Pengaduan",
        marker,
        "Siti",
        "siti.rahmawati",
        "Budi",
        "budi@",
        "Subjek pribadi",
        misfiled,
    ):
        assert absent not in page, absent
    assert not re.search(r"[\w.]+@[\w.]+", page)  # no e-mail address at all
