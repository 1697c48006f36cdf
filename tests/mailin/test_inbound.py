"""``flask mail ingest``: new tickets, threading, holds, guards, bounces, size, quarantine, exit codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from portal.mail.models import BouncingAddress, InboundMessage, InboundStatus
from portal.tickets.models import Ticket, TicketStatus
from tests.mailin.conftest import FRIDAY_3PM, corpus, ingest, message, outbox_rows, reference_in, rows, ticket


def test_a_new_message_makes_one_triage_ticket_and_one_confirmation(app):
    code, output = ingest(app, corpus("outlook_html.eml"))
    assert code == 0
    ref = reference_in(output)
    t = ticket(app, ref)
    assert (t.channel, t.code, t.owner_unit, t.user_type) == ("email", "", "", 0)
    assert (t.requester_name, t.requester_email) == ("Siti Rahmawati", "siti.rahmawati@satker.go.id")
    assert t.subject == "Tidak bisa login SAKTI modul Bendahara"
    assert 'Muncul pesan "User terkunci".' in t.detail and "<" not in t.detail
    assert t.received_at == FRIDAY_3PM and t.due_at == FRIDAY_3PM  # open hours: the clock starts at receipt
    [mail] = outbox_rows(app, "siti.rahmawati@satker.go.id")
    assert mail.auto and mail.headers["Auto-Submitted"] == "auto-replied"
    assert mail.subject.startswith(f"[{ref}]")
    assert ref in mail.body and f"/status/{ref}?t=" in mail.body
    assert "SIAP" in mail.body and "dirahasiakan" in mail.body and "/siap" in mail.body

    # The same message again (the MTA retried): the same answer, nothing doubled.
    assert ingest(app, corpus("outlook_html.eml")) == (0, ref)
    assert len(rows(app, Ticket)) == 1 and len(outbox_rows(app)) == 1


def test_outside_working_hours_the_clock_starts_at_the_next_opening(make_app):
    saturday = FRIDAY_3PM + timedelta(days=1)
    app = make_app(NOW=saturday)
    ref = reference_in(ingest(app, message())[1])
    t = ticket(app, ref)
    assert t.received_at == saturday
    assert t.due_at == (FRIDAY_3PM + timedelta(days=3)).replace(hour=8)  # Monday 08.00 WIB


def _first(app, **kw) -> tuple[str, str]:
    ref = reference_in(ingest(app, message(Message_ID="<asal-1@satker.go.id>", **kw))[1])
    [confirmation] = outbox_rows(app)
    return ref, confirmation.message_id


def test_a_reply_threads_by_its_headers(app):
    ref, sent_id = _first(app)
    reply = message(
        subject="Re: pertanyaan saya",  # no reference in the subject: the headers alone thread it
        body="Ini tambahan datanya.\n\nPada Jum, 27 Nov 2026 pukul 15.00 HAI-DJPb menulis:\n> Permintaan diterima.",
        Message_ID="<balas-1@satker.go.id>",
        In_Reply_To=sent_id,
        References=f"<asal-1@satker.go.id> {sent_id}",
    )
    assert ingest(app, reply) == (0, ref)
    events = [e for e in ticket(app, ref).events if e.kind == "pesan"]
    assert [e.body for e in events] == ["Ini tambahan datanya."]
    assert len(rows(app, Ticket)) == 1
    # A reply to the requester's own first message threads too (its Message-ID was remembered).
    again = message(body="Satu lagi.", Message_ID="<balas-2@satker.go.id>", In_Reply_To="<asal-1@satker.go.id>")
    assert ingest(app, again) == (0, ref)


def test_a_reply_threads_by_the_reference_in_its_subject(app):
    ref, _sent = _first(app)
    reply = message(subject=f"Re: [{ref}] Pertanyaan", body="Sudah saya coba.", Message_ID="<balas-3@satker.go.id>")
    assert ingest(app, reply) == (0, ref)
    assert [e.body for e in ticket(app, ref).events if e.kind == "pesan"] == ["Sudah saya coba."]
    # A reference that names no ticket threads nothing: a new ticket.
    other = message(subject="Re: [HAI-2611-ZZZZZZZZ] lama", Message_ID="<balas-4@satker.go.id>")
    assert reference_in(ingest(app, other)[1]) != ref


def test_the_same_from_another_address_is_held_not_appended(app, make_user):
    make_user(email="agen@kemenkeu.go.id", units=("Direktorat SITP",))
    ref, sent_id = _first(app)
    for n, headers in enumerate(({"In_Reply_To": sent_id}, {})):
        stranger = message(
            sender="Orang Lain <lain@example.com>",
            subject=f"Re: [{ref}] Pertanyaan",
            body="Saya juga mengalami hal yang sama.",
            Message_ID=f"<lain-{n}@example.com>",
            **headers,
        )
        assert ingest(app, stranger) == (0, ref)
    t = ticket(app, ref)
    assert [e for e in t.events if e.kind == "pesan"] == []  # nothing silently appended
    assert {r.status for r in rows(app, InboundMessage, InboundMessage.sender == "lain@example.com")} == {
        InboundStatus.HELD
    }
    assert any("lain@example.com" in e.body and not e.public for e in t.events)
    assert outbox_rows(app, "lain@example.com") == []

    staff = app.test_client()
    staff.post("/staf/masuk", data={"email": "agen@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"})
    page = staff.get("/staf/surel/ditahan").get_data(as_text=True)
    assert "Saya juga mengalami hal yang sama." in page
    [first, second] = rows(app, InboundMessage, InboundMessage.status == InboundStatus.HELD)
    assert staff.post("/staf/surel/ditahan", data={"message_id": first.id, "action": "terima"}).status_code == 303
    assert staff.post("/staf/surel/ditahan", data={"message_id": first.id, "action": "terima"}).status_code == 303
    assert staff.post("/staf/surel/ditahan", data={"message_id": second.id, "action": "tolak"}).status_code == 303
    messages = [e.body for e in ticket(app, ref).events if e.kind == "pesan"]
    assert len(messages) == 1 and "lain@example.com" in messages[0]  # accepted once, naming the sender


@pytest.mark.parametrize(
    ("status", "resolved_days_ago", "reopens"),
    [(TicketStatus.WAITING, None, True), (TicketStatus.RESOLVED, 6, True), (TicketStatus.RESOLVED, 8, False)],
)
def test_a_reply_reopens_within_the_window(app, status, resolved_days_ago, reopens):
    from portal.extensions import db

    ref, _sent = _first(app)
    with app.app_context():
        t = db.session.query(Ticket).filter_by(reference=ref).one()
        t.status = status
        t.paused_at = FRIDAY_3PM - timedelta(hours=1) if status == TicketStatus.WAITING else None
        t.resolved_at = FRIDAY_3PM - timedelta(days=resolved_days_ago) if resolved_days_ago else None
        db.session.commit()
    reply = message(subject=f"Re: [{ref}] x", body="Masih bermasalah.", Message_ID="<buka@satker.go.id>")
    code, output = ingest(app, reply)
    assert code == 0
    if reopens:
        assert output == ref and ticket(app, ref).status == TicketStatus.OPEN
    else:  # resolved too long ago: a new ticket that names the old one
        new = ticket(app, reference_in(output))
        assert new.reference != ref and ref in new.detail and ticket(app, ref).status == TicketStatus.RESOLVED


def test_an_auto_reply_gets_no_answer(app):
    code, output = ingest(app, corpus("auto_reply.eml"))
    assert code == 0 and output.startswith("diabaikan")
    assert outbox_rows(app) == [] and rows(app, Ticket) == []
    [row] = rows(app, InboundMessage)
    assert row.raw == corpus("auto_reply.eml")  # kept for an administrator, nothing dropped


def test_the_requesters_out_of_office_is_noted_without_reopening_or_answering(app):
    ref, _sent = _first(app)
    ooo = corpus("auto_reply.eml").replace(b"kasi.pd@satker.go.id", b"budi@satker.go.id")
    assert ingest(app, ooo.replace(b"HAI-2612-XXXXXXXX", ref.encode())) == (0, ref)
    t = ticket(app, ref)
    assert [e.kind for e in t.events if e.author == "sistem"] == ["catatan"] and t.status == TicketStatus.NEW
    assert len(outbox_rows(app)) == 1  # only the first confirmation


def test_automatic_replies_to_one_address_stop_after_the_hourly_cap(app):
    for n in range(5):
        ingest(app, message(subject=f"Permintaan {n}", Message_ID=f"<loop-{n}@satker.go.id>"))
    assert len(rows(app, Ticket)) == 5
    assert len(outbox_rows(app, "budi@satker.go.id")) == 3  # MAIL_AUTO_REPLY_PER_HOUR in this app


@pytest.mark.parametrize("header", ["Precedence: bulk", "List-Id: <info.example.com>", "X-Autoreply: yes"])
def test_list_and_robot_mail_is_not_answered(app, header):
    raw = message().replace(b"MIME-Version", header.encode() + b"\r\nMIME-Version")
    assert ingest(app, raw)[0] == 0
    assert outbox_rows(app) == []


def test_a_delivery_report_marks_the_address_as_bouncing_on_its_ticket(app):
    ref, sent_id = _first(app, sender="Tidak Ada <tidak.ada@satker.go.id>")
    dsn = corpus("dsn_bounce.eml").replace(b"<ORIGINAL-ID@hai.kemenkeu.go.id>", sent_id.encode())
    assert ingest(app, dsn) == (0, ref)
    [bounce] = rows(app, BouncingAddress)
    assert (bounce.address, bounce.ticket_reference) == ("tidak.ada@satker.go.id", ref)
    assert any("tidak.ada@satker.go.id" in e.body and not e.public for e in ticket(app, ref).events)
    assert len(outbox_rows(app)) == 1  # no answer to the mailer daemon
    # A bouncing address gets no more automatic mail.
    ingest(app, message(sender="tidak.ada@satker.go.id", subject="Baru", Message_ID="<baru@satker.go.id>"))
    assert len(outbox_rows(app)) == 1


def test_attachments_pass_the_web_forms_checks_and_a_refusal_is_explained(app):
    ref = reference_in(ingest(app, corpus("multipart_pdf.eml"))[1])
    t = ticket(app, ref)
    assert [(a.filename, a.mimetype) for a in t.attachments] == [("Surat_Permohonan.pdf", "application/pdf")]
    [mail] = outbox_rows(app)
    assert "setup.exe" in mail.body and "bukan PDF" in mail.body


def test_an_oversized_message_gets_a_clear_reply_and_makes_no_ticket(app):
    body = b"A" * (30 * 1024 * 1024)  # 30 MB, made here rather than kept in the repository
    raw = message(subject="Laporan besar", Message_ID="<besar@satker.go.id>") + body
    code, output = ingest(app, raw)
    assert code == 0 and output.startswith("terlalu-besar")
    assert rows(app, Ticket) == []
    [row] = rows(app, InboundMessage)
    assert row.status == InboundStatus.OVERSIZED and row.size == len(raw) and len(row.raw) <= 64 * 1024
    [mail] = outbox_rows(app, "budi@satker.go.id")
    assert "Laporan besar" in mail.body and "20 MB" in mail.body and mail.auto


def test_a_malformed_message_lands_in_quarantine_with_its_bytes(app, make_user):
    raw = corpus("broken_mime.eml")
    code, output = ingest(app, raw)
    assert code == 0 and output.startswith("karantina")
    [row] = rows(app, InboundMessage)
    assert (row.status, row.raw) == (InboundStatus.QUARANTINE, raw)
    assert rows(app, Ticket) == [] and outbox_rows(app) == []

    make_user(email="admin@kemenkeu.go.id", role="admin", units=("Sekretariat DJPb",))
    make_user(email="agen@kemenkeu.go.id", units=("Direktorat SITP",))
    agent = app.test_client()
    agent.post("/staf/masuk", data={"email": "agen@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"})
    assert agent.get("/staf/surel/karantina").status_code == 404
    admin = app.test_client()
    admin.post("/staf/masuk", data={"email": "admin@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"})
    page = admin.get("/staf/surel/karantina").get_data(as_text=True)
    assert "Lampiran laporan" in page and "Coba lagi" in page and "Buat tiket" in page
    retry = admin.post(
        "/staf/surel/karantina", data={"message_id": row.id, "action": "coba-lagi"}, follow_redirects=True
    )
    assert "masih tidak dapat dibaca" in retry.get_data(as_text=True)
    assert rows(app, InboundMessage)[0].status == InboundStatus.QUARANTINE
    admin.post("/staf/surel/karantina", data={"message_id": row.id, "action": "buat-tiket"})
    [t] = rows(app, Ticket)
    assert (t.requester_email, t.code, t.subject) == ("rusak@example.com", "", "Lampiran laporan")
    assert rows(app, InboundMessage)[0].raw == raw  # still kept


def test_ingest_exits_non_zero_only_when_nothing_could_be_stored(app):
    from portal.extensions import db

    with app.app_context():
        db.session.execute(text("DROP TABLE mail_inbound"))
        db.session.commit()
    code, _output = ingest(app, message())
    assert code == 75  # EX_TEMPFAIL: the MTA keeps the message and retries
