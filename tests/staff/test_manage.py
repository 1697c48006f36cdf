"""Canned replies, announcements and the calendar, knowledge feedback."""

from __future__ import annotations

from datetime import date, datetime

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.kb.models import ArticleFeedback, ArticleMissing, SearchMiss
from portal.notices.models import Announcement, CalendarOverride
from portal.tickets.models import CannedReply
from tests.staff.conftest import WIB, new_ticket, signed_in


def replies(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(CannedReply).order_by(CannedReply.id))
        return [(r.service_code, r.title, r.body) for r in rows]


def test_canned_replies_create_edit_delete(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    page = agent.get("/staf/balasan").get_data(as_text=True)
    assert 'value="CRSM.01"' in page and 'value="BCSM.01"' not in page  # only the services of SITP
    response = agent.post("/staf/balasan", data={"service": "CRSM.01", "title": "Reset SAKTI", "body": "Langkah 1."})
    assert response.headers["Location"].endswith("/staf/balasan")
    assert replies(app) == [("CRSM.01", "Reset SAKTI", "Langkah 1.")]
    with app.app_context():
        reply_id = db.session.scalars(select(CannedReply.id)).one()
    edit = agent.get(f"/staf/balasan?ubah={reply_id}").get_data(as_text=True)
    assert "Langkah 1." in BeautifulSoup(edit, "html.parser").select_one("textarea").get_text()
    agent.post(
        "/staf/balasan", data={"reply_id": reply_id, "service": "ITSM.02", "title": "Reset", "body": "Langkah 2."}
    )
    assert replies(app) == [("ITSM.02", "Reset", "Langkah 2.")]
    reference = new_ticket(app, code="ITSM.02", pengguna="5")
    assert "Langkah 2." in agent.get(f"/staf/tiket/{reference}").get_data(as_text=True)  # offered on the ticket
    agent.post("/staf/balasan/hapus", data={"item_id": reply_id})
    assert replies(app) == []


def test_canned_replies_of_other_units_cannot_be_touched(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post("/staf/balasan", data={"service": "CRSM.01", "title": "Milik SITP", "body": "Isi."})
    with app.app_context():
        reply_id = db.session.scalars(select(CannedReply.id)).one()
    other = signed_in(app, "setditjen@kemenkeu.go.id")
    assert "Milik SITP" not in other.get("/staf/balasan").get_data(as_text=True)
    assert other.post("/staf/balasan", data={"service": "CRSM.01", "title": "x", "body": "y"}).status_code == 422
    other.post("/staf/balasan", data={"reply_id": reply_id, "service": "BCSM.01", "title": "Diambil", "body": "z"})
    other.post("/staf/balasan/hapus", data={"item_id": reply_id})
    assert replies(app) == [("CRSM.01", "Milik SITP", "Isi.")]
    assert agent.post("/staf/balasan", data={"service": "CRSM.01", "title": "", "body": ""}).status_code == 422


def test_closure_is_announced_honoured_and_removable(app, people):
    lead = signed_in(app, "ketua@kemenkeu.go.id")
    home = app.test_client()
    assert "Cuti bersama akhir tahun" not in home.get("/").get_data(as_text=True)  # now in the page cache
    data = {"hr-day": "2026-11-30", "hr-kind": "tutup", "hr-reason": "Cuti bersama akhir tahun", "hr-announce": "y"}
    assert lead.post("/staf/kalender/hari", data=data).headers["Location"].endswith("/staf/kalender")
    assert "Cuti bersama akhir tahun" in home.get("/").get_data(as_text=True)  # caches dropped
    # Monday 30 November is closed: a request received now is due a day later than before.
    reference = new_ticket(app)
    with app.app_context():
        from portal.core.desk import get_calendar
        from portal.tickets.models import Ticket

        assert not get_calendar().is_working_day(date(2026, 11, 30))
        due = db.session.scalars(select(Ticket.due_at).where(Ticket.reference == reference)).one()
        assert due.astimezone(WIB) == datetime(2026, 12, 2, 15, 0, tzinfo=WIB)  # 1 h Fri + Tue + 7 h Wed
    page = lead.get("/staf/kalender").get_data(as_text=True)
    assert 'data-day="2026-11-30"' in page
    lead.post("/staf/kalender/hari/hapus", data={"item_id": "2026-11-30"})
    with app.app_context():
        assert db.session.scalars(select(CalendarOverride)).all() == []
        from portal.core.desk import get_calendar

        assert get_calendar().is_working_day(date(2026, 11, 30))


def test_extra_working_day_and_announcements(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    data = {"hr-day": "2026-11-28", "hr-kind": "buka", "hr-reason": "Layanan akhir tahun anggaran"}
    admin.post("/staf/kalender/hari", data=data)
    with app.app_context():
        assert [(o.day, o.open) for o in db.session.scalars(select(CalendarOverride))] == [(date(2026, 11, 28), True)]
        assert db.session.scalars(select(Announcement)).all() == []  # not announced: box left unticked
    data = {
        "an-title": "Pemeliharaan OM-SPAN",
        "an-body": "Sabtu malam.",
        "an-starts_on": "2026-11-27",
        "an-ends_on": "2026-11-29",
    }
    admin.post("/staf/kalender/pengumuman", data=data)
    assert "Pemeliharaan OM-SPAN" in app.test_client().get("/").get_data(as_text=True)
    bad = {**data, "an-starts_on": "2026-12-05"}
    assert admin.post("/staf/kalender/pengumuman", data=bad).status_code == 422  # ends before it starts
    with app.app_context():
        announcement_id = db.session.scalars(select(Announcement.id)).one()
    admin.post("/staf/kalender/pengumuman/hapus", data={"item_id": announcement_id})
    assert "Pemeliharaan OM-SPAN" not in app.test_client().get("/").get_data(as_text=True)


def test_agents_do_not_change_the_calendar(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    assert agent.get("/staf/kalender").status_code == 404
    data = {"hr-day": "2026-11-30", "hr-kind": "tutup", "hr-reason": "x"}
    assert agent.post("/staf/kalender/hari", data=data).status_code == 404
    assert "/staf/kalender" not in agent.get("/staf/").get_data(as_text=True)  # not linked either
    with app.app_context():
        assert db.session.scalars(select(CalendarOverride)).all() == []


def test_knowledge_feedback(app, people):
    kb = app.extensions["kb"]
    slugs = sorted(kb.by_slug)[:3]
    today = date(2026, 11, 27)
    with app.app_context():
        db.session.add_all(
            [
                SearchMiss(query="spm gaji ke 13", day=today, count=2),
                SearchMiss(query="spm gaji ke 13", day=date(2026, 11, 2), count=3),
                SearchMiss(query="tarif blu", day=today, count=4),
                SearchMiss(query="kuno", day=date(2026, 6, 1), count=50),  # older than 90 days
                ArticleFeedback(slug=slugs[0], day=today, helpful=False, count=1),
                ArticleFeedback(slug=slugs[0], day=today, helpful=True, count=9),
                ArticleFeedback(slug=slugs[1], day=today, helpful=False, count=3),
                ArticleFeedback(slug=slugs[2], day=today, helpful=True, count=5),  # never unhelpful
                ArticleFeedback(slug="artikel-lama", day=today, helpful=False, count=2),
                ArticleMissing(slug=slugs[1], day=today, text="Tidak ada contoh <b>layar</b>", count=2),
                ArticleMissing(slug=slugs[1], day=date(2026, 6, 1), text="kuno", count=9),  # older than 90 days
            ]
        )
        db.session.commit()
    page = signed_in(app, "agen@kemenkeu.go.id").get("/staf/umpan-balik").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    misses = [(tr.th.get_text(), tr.td.get_text()) for tr in soup.select('table[data-table="pencarian"] tbody tr')]
    assert misses == [("spm gaji ke 13", "5"), ("tarif blu", "4")]
    rows = soup.select('table[data-table="artikel"] tbody tr')
    assert [tr["data-slug"] for tr in rows] == [slugs[1], "artikel-lama", slugs[0]]
    first = kb.by_slug[slugs[1]]
    assert rows[0].a["href"] == f"/faq/{first.folder}/{slugs[1]}" and rows[0].a.get_text() == first.title
    assert [td.get_text() for td in rows[2].find_all("td")] == ["1", "9"]
    notes = soup.select('ul[data-list="kurang"] li')
    expected = f"{first.title}: Tidak ada contoh <b>layar</b> (2×)"  # escaped: shown as typed
    assert [(li["data-slug"], li.get_text()) for li in notes] == [(slugs[1], expected)]
