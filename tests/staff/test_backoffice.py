"""Back office: who sees what, the workflow, the clock, replies and notes, the audit trail."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket, TicketEvent
from tests.staff.conftest import WIB, new_ticket, signed_in


def ticket(app, reference) -> Ticket:
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        db.session.expunge(t)
        return t


def staff_routes(app, reference):
    """Every GET route of the back office under /staf with its parameters filled in.

    The account pages there (sign-in, password change) serve every account, not only staff.
    """
    values = {"reference": reference, "attachment_id": "1", "chat_id": "1"}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staf") and "GET" in rule.methods and not rule.endpoint.startswith("auth."):
            urls.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "x"), rule.rule))
    return urls


def test_role_route_matrix(app, people):
    reference = new_ticket(app)
    urls = staff_routes(app, reference)
    assert f"/staf/tiket/{reference}" in urls and "/staf/" in urls
    anonymous = app.test_client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 303 and "/staf/masuk" in response.headers["Location"], url
    internal = signed_in(app, "kppn@kemenkeu.go.id")
    for url in urls:
        assert internal.get(url).status_code == 404, url
    assert internal.get("/staf/kata-sandi").status_code == 200, "internal requesters change their password too"
    other_unit = signed_in(app, "setditjen@kemenkeu.go.id")
    assert other_unit.get(f"/staf/tiket/{reference}").status_code == 404
    assert reference not in other_unit.get("/staf/?antrian=semua").get_data(as_text=True)
    admin = signed_in(app, "admin@kemenkeu.go.id")
    assert admin.get(f"/staf/tiket/{reference}").status_code == 404  # admins read only their own units
    agent = signed_in(app, "agen@kemenkeu.go.id")
    assert agent.get(f"/staf/tiket/{reference}").status_code == 200
    assert reference in agent.get("/staf/").get_data(as_text=True)


def test_other_units_cannot_act_either(app, people):
    reference = new_ticket(app)
    other = signed_in(app, "setditjen@kemenkeu.go.id")
    for path, data in [
        ("pesan", {"jenis": "balasan", "re-body": "x"}),
        ("status", {"st-status": "diproses"}),
        ("tugas", {"ambil": "1"}),
    ]:
        assert other.post(f"/staf/tiket/{reference}/{path}", data=data).status_code == 404
    assert ticket(app, reference).status == "baru"


def _status(client, reference, status, **extra):
    data = {"st-status": status, **{f"st-{k}": v for k, v in extra.items()}}
    return client.post(f"/staf/tiket/{reference}/status", data=data)


ALLOWED = [
    ("baru", "diproses"),
    ("baru", "menunggu-pengguna"),
    ("diproses", "menunggu-pengguna"),
    ("menunggu-pengguna", "diproses"),
    ("diproses", "selesai"),
    ("selesai", "ditutup"),
    ("selesai", "diproses"),
    ("ditutup", "diproses"),
]


def test_every_transition_allowed_and_refused(app, people):
    from portal.tickets.workflow import TRANSITIONS

    statuses = list(TRANSITIONS)
    for source in statuses:
        for target in statuses:
            if source == target:
                continue
            reference = new_ticket(app)
            with app.app_context():
                t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
                t.status = source
                if source in ("selesai", "ditutup"):
                    t.resolved_at = t.received_at
                db.session.commit()
            client = signed_in(app, "agen@kemenkeu.go.id")
            _status(client, reference, target, fulfilment="solusi")
            moved = ticket(app, reference).status == target
            assert moved == (target in TRANSITIONS[source]), (source, target)


def test_resolving_requires_a_fulfilment_and_forwarding_a_linked_unit(app, people):
    client = signed_in(app, "agen@kemenkeu.go.id")
    reference = new_ticket(app, code="CRSM.01")
    _status(client, reference, "selesai")
    assert ticket(app, reference).status == "baru"
    # CRSM.01 has no linked units in section F: forwarding is refused.
    _status(client, reference, "selesai", fulfilment="diteruskan", unit="Ditjen Pajak")
    assert ticket(app, reference).status == "baru"
    ddg = new_ticket(app, code="ITSM.03", pengguna="5")
    owner = signed_in(app, "agen@kemenkeu.go.id")
    other_sitp = new_ticket(app, code="ITSM.02", pengguna="5")
    _status(owner, other_sitp, "selesai", fulfilment="diteruskan", unit="Ditjen Pajak")  # not linked to ITSM.02
    assert ticket(app, other_sitp).status == "baru"
    _status(owner, other_sitp, "selesai", fulfilment="diteruskan", unit="Sekretariat Jenderal Kemenkeu")
    t = ticket(app, other_sitp)
    assert (t.status, t.fulfilment, t.fulfilment_unit) == ("selesai", "diteruskan", "Sekretariat Jenderal Kemenkeu")
    assert ddg


def test_waiting_over_a_weekend_and_a_holiday_accrues_nothing(app, people):
    from portal.core.calendar import WorkingCalendar
    from portal.tickets.workflow import clock, transition

    calendar = WorkingCalendar.from_hours(app.extensions["catalog"].hours)
    reference = new_ticket(app)
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        received = datetime(2026, 8, 14, 15, 0, tzinfo=WIB)  # Friday; Monday 17 August is a holiday
        t.received_at, t.due_at = received, calendar.add_working_hours(received, 16)
        friday_close = datetime(2026, 8, 14, 16, 0, tzinfo=WIB)
        transition(t, "menunggu-pengguna", actor_id=None, calendar=calendar, now=friday_close)
        before = clock(t, calendar, 16, friday_close)
        monday = datetime(2026, 8, 18, 8, 0, tzinfo=WIB)  # Tuesday morning, after the holiday
        during = clock(t, calendar, 16, monday)
        assert before.elapsed == during.elapsed == 1.0 and during.paused
        due_before = t.due_at
        transition(t, "diproses", actor_id=None, calendar=calendar, now=monday)
        assert clock(t, calendar, 16, monday).elapsed == 1.0
        # The waiting spanned Friday 16.00 → Tuesday 08.00: no working hours, no shift.
        assert t.due_at == due_before
        db.session.rollback()


def test_waiting_during_working_hours_pushes_the_due_time(app, people):
    from portal.core.calendar import WorkingCalendar
    from portal.tickets.workflow import transition

    calendar = WorkingCalendar.from_hours(app.extensions["catalog"].hours)
    reference = new_ticket(app)
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        start = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
        due = t.due_at
        transition(t, "menunggu-pengguna", actor_id=None, calendar=calendar, now=start)
        transition(t, "diproses", actor_id=None, calendar=calendar, now=start + timedelta(hours=3))
        assert t.paused_hours == 3.0
        assert t.due_at == calendar.add_working_hours(due, 3)
        db.session.rollback()


def test_public_reply_is_emailed_and_internal_note_never_shown(app, people):
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "balasan", "re-body": "Akun sudah dibuka."})
    agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "catatan", "no-body": "RAHASIA-INTERNAL"})
    mails = sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(mails) == 2 and b"Akun sudah dibuka." in mails[-1].read_bytes()
    assert all(b"RAHASIA-INTERNAL" not in m.read_bytes() for m in mails)
    requester = app.test_client()
    requester.post("/status", data={"referensi": reference, "email": "budi@satker.go.id"})
    page = requester.get(f"/status/{reference}").get_data(as_text=True)
    assert "Akun sudah dibuka." in page and "RAHASIA-INTERNAL" not in page
    assert "RAHASIA-INTERNAL" in agent.get(f"/staf/tiket/{reference}").get_data(as_text=True)


def test_audit_trail(app, people):
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/tugas", data={"ambil": "1"})
    _status(agent, reference, "diproses")
    _status(agent, reference, "selesai", fulfilment="solusi", note="Sudah direset.")
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        events = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == t.id)).all()
        trail = [(e.kind, e.to_status, e.actor_id is not None) for e in events]
        assert trail == [
            ("dibuat", "baru", False),
            ("tugas", None, True),
            ("status", "diproses", True),
            ("status", "selesai", True),
        ]
        assert all(e.created_at for e in events)
        assert t.assignee_id == people["agen"]


def test_resolution_sends_survey_link_and_rating_is_stored(app, people):
    from portal.tickets.models import Survey

    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    _status(agent, reference, "selesai", fulfilment="informasi")
    mail = sorted((Path(app.instance_path) / "outbox").glob("*.eml"))[-1].read_text()
    link = re.search(r"http://localhost(/status/\S+)", mail.replace("=\n", "").replace("=3D", "=")).group(1)
    requester = app.test_client()
    page = requester.get(link, follow_redirects=True).get_data(as_text=True)
    assert "Beri penilaian" in page
    requester.post(f"/status/{reference}/survei", data={"rating": "4", "comment": "Cepat."})
    requester.post(f"/status/{reference}/survei", data={"rating": "1"})
    with app.app_context():
        assert [(s.rating, s.comment) for s in db.session.scalars(select(Survey))] == [(4, "Cepat.")]


@pytest.mark.parametrize(
    "queue", ["unit", "saya", "belum-ditugaskan", "jatuh-tempo-hari-ini", "terlambat", "menunggu", "semua"]
)
def test_queues_and_filters(app, people, queue):
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    page = agent.get(f"/staf/?antrian={queue}").get_data(as_text=True)
    expected = queue in ("unit", "belum-ditugaskan", "semua")
    assert (reference in page) is expected, queue
    if expected:  # 375 px: the number column stays in view, and the page says the table scrolls
        assert "data-scroll-cue" in page and 'class="table-scroll" role="region"' in page
    assert reference in agent.get("/staf/?q=budi@satker.go.id").get_data(as_text=True)
    assert reference in agent.get(f"/staf/?q={reference.lower()}").get_data(as_text=True)
    assert reference in agent.get("/staf/?q=terkunci").get_data(as_text=True)
    assert reference not in agent.get("/staf/?layanan=ITSM.02").get_data(as_text=True)
    assert reference not in agent.get("/staf/?pengguna=5").get_data(as_text=True)
    assert date(2026, 11, 27)


def test_a_refused_action_keeps_what_was_typed(app, people):
    client = signed_in(app, "agen@kemenkeu.go.id")
    reference = new_ticket(app, code="CRSM.01")
    note = "Akun sudah dibuka; mohon dicoba lagi."
    for data, message in [
        ({"st-status": "", "st-note": note}, "Pilih status baru."),  # the placeholder left in place
        ({"st-status": "selesai", "st-note": note}, "cara pemenuhan"),  # resolving without a fulfilment
    ]:
        response = client.post(f"/staf/tiket/{reference}/status", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page
        soup = BeautifulSoup(page, "html.parser")
        assert note in soup.select_one("#st-note").get_text()
        # The page comes back at the refused form (its action's fragment), the message above it.
        refusal = soup.select_one("[data-refused=ubah-status]")
        assert refusal is not None and refusal.find_next("form")["action"].endswith("/status#ubah-status")
    reply = client.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "balasan", "re-body": "x" * 10001})
    assert reply.status_code == 422 and "Pesan kosong atau terlalu panjang." in reply.get_data(as_text=True)
    assert BeautifulSoup(reply.get_data(as_text=True), "html.parser").select_one("[data-refused=balas]") is not None
    assert ticket(app, reference).status == "baru"


def test_the_back_office_is_named_in_indonesian(app, people):
    # "Back office" was English in titles, the main menu and letters (#17): "Ruang petugas", wrapped.
    agent = signed_in(app, "agen@kemenkeu.go.id")
    for path in ("/staf/", "/staf/dasbor", "/staf/pemberitahuan/", f"/staf/tiket/{new_ticket(app)}"):
        page = agent.get(path).get_data(as_text=True)
        assert "Ruang petugas" in page and "back office" not in page.lower(), path
    letters = Path(__file__).resolve().parents[2] / "templates" / "email"
    assert [p.name for p in letters.glob("*.txt") if "back office" in p.read_text().lower()] == []


def test_the_assignment_form_shows_who_holds_the_ticket(app, people):
    """After "Ambil sendiri" the page names the holder and preselects them, so pressing "Tugaskan"
    unchanged keeps the ticket where it is (the placeholder was shown, and unassigned it)."""
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    taken = agent.post(f"/staf/tiket/{reference}/tugas", data={"ambil": "1"}, follow_redirects=True)
    page = BeautifulSoup(taken.get_data(as_text=True), "html.parser")
    assert "Tiket ini sekarang Anda tangani." in page.select_one(".flashes").get_text()
    holder = ticket(app, reference).assignee_id
    assert holder is not None
    chosen = page.select_one("select[name=as-assignee] option[selected]")
    assert chosen is not None and chosen["value"] == str(holder)
    assert page.select_one("[data-assignee]").get_text(strip=True) == chosen.get_text(strip=True)
    # The form sent as shown keeps the holder.
    agent.post(f"/staf/tiket/{reference}/tugas", data={"as-assignee": chosen["value"]})
    assert ticket(app, reference).assignee_id == holder


def test_the_ticket_page_names_what_the_desk_stores_as_keys(app, people):
    """Request type, channel, thread entries and who made them are shown by name, not as the
    stored keys ("pembuatan-tiket · kanal portal", "tugas · staf")."""
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/tugas", data={"ambil": "1"})
    page = BeautifulSoup(agent.get(f"/staf/tiket/{reference}").get_data(as_text=True), "html.parser")
    facts = page.select_one("[data-request-type]").get_text(" ", strip=True)
    assert facts.startswith("Pembuatan tiket ke HAI DJPb · kanal Portal HAI-DJPb · katalog 2023.0"), facts
    metas = {m["data-kind"]: m.get_text(" ", strip=True) for m in page.select(".thread .meta")}
    assert metas["dibuat"].startswith("Dibuat · Pemohon · ")
    assert metas["tugas"].startswith("Penugasan · internal · Petugas Uji · ")  # the agent's own name
