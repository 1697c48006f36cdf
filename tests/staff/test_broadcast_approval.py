"""BMSM.01: a broadcast waits for the service manager's approval; the 8 jam kerja run from approval."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket, TicketStatus
from tests.conftest import outbox
from tests.staff.conftest import WIB, new_ticket, signed_in

MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)


@pytest.fixture
def broadcast(app, people, make_user):
    """A broadcast requested on Friday 15.00 by a Direktorat Teknis account (user type 8)."""
    make_user(email="direktorat@kemenkeu.go.id", role="pengguna", units=(), user_type=8)
    client = signed_in(app, "direktorat@kemenkeu.go.id")
    return new_ticket(app, "BMSM.01", client=client, pengguna="8", subjek="Broadcast gangguan SPAN")


def load(app, reference) -> Ticket:
    with app.app_context():
        ticket = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        ticket.events  # loaded while the session is open  # noqa: B018
        return ticket


def decide(app, reference, email="ketua@kemenkeu.go.id", **data):
    return signed_in(app, email).post(f"/staf/tiket/{reference}/persetujuan", data=data)


def test_a_broadcast_starts_awaiting_approval_with_the_clock_standing(app, broadcast, people):
    ticket = load(app, broadcast)
    assert ticket.status is TicketStatus.AWAITING_APPROVAL
    assert ticket.paused_at is not None
    assert load(app, new_ticket(app, "CRSM.01")).status is TicketStatus.NEW  # other services: no approval
    confirmation = next(m for m in outbox(app) if broadcast in m["Subject"]).get_content()
    assert "Menunggu persetujuan pengelola layanan HAI-DJPb" in confirmation
    assert "Perkiraan selesai:" not in confirmation
    page = signed_in(app, "agen@kemenkeu.go.id").get(f"/staf/tiket/{broadcast}").get_data(as_text=True)
    assert "data-approval" in page and "Dijeda" in page
    # The generic status form offers nothing: only the approval decides.
    assert 'name="st-status"' not in page


def test_an_agent_cannot_decide(app, broadcast):
    response = decide(app, broadcast, email="agen@kemenkeu.go.id", **{"ps-decision": "setujui"})
    assert response.status_code == 404
    assert load(app, broadcast).status is TicketStatus.AWAITING_APPROVAL


def test_approval_starts_the_eight_working_hours_and_tells_the_requester(app, broadcast):
    assert load(app, broadcast).due_at.astimezone(WIB) == datetime(2026, 11, 30, 15, 0, tzinfo=WIB)  # as filed
    app.config["NOW"] = MONDAY_10AM
    sent = len(outbox(app))
    response = decide(app, broadcast, **{"ps-decision": "setujui"})
    assert response.status_code == 303
    ticket = load(app, broadcast)
    assert ticket.status is TicketStatus.OPEN and ticket.paused_at is None
    # Monday 10.00 + 8 working hours (10–16, then 08–10) → Tuesday 10.00.
    assert ticket.due_at.astimezone(WIB) == datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
    [mail] = outbox(app)[sent:]
    assert mail["To"] == ticket.requester_email and "disetujui" in mail["Subject"]
    assert "Perkiraan selesai: Selasa, 1 Desember 2026 pukul 10.00 WIB" in mail.get_content()


def test_refusal_needs_a_reason_and_is_told_once(app, broadcast):
    sent = len(outbox(app))
    refused = decide(app, broadcast, **{"ps-decision": "tolak", "ps-reason": "  "})
    assert refused.status_code == 422
    assert load(app, broadcast).status is TicketStatus.AWAITING_APPROVAL and len(outbox(app)) == sent
    reason = "Isi broadcast belum disetujui direktorat pemilik aplikasi."
    assert decide(app, broadcast, **{"ps-decision": "tolak", "ps-reason": reason}).status_code == 303
    ticket = load(app, broadcast)
    assert ticket.status is TicketStatus.REFUSED and ticket.closed_at is not None
    assert ticket.events[-1].body == reason
    [mail] = outbox(app)[sent:]
    assert "tidak disetujui" in mail["Subject"] and reason in mail.get_content()
    # The same decision sent again changes nothing and e-mails nobody.
    assert decide(app, broadcast, **{"ps-decision": "tolak", "ps-reason": reason}).status_code == 422
    assert len(outbox(app)) == sent + 1


def test_report_states_when_the_eight_hours_start(runner):
    output = runner.invoke(args=["catalog", "check", "--today", "2026-11-27"]).output
    assert "TAFSIRAN: [BMSM.01]" in output
    assert "Norma waktu 8 jam kerja dihitung sejak persetujuan" in output


def test_a_refused_broadcast_takes_no_reply(app, broadcast):
    # Catalog C, BMSM.01 "Batasan": a broadcast without approval is outside the service, so the
    # refusal is final; a reply is refused with a clear message and the thread has no reply box.
    reason = "Isi broadcast belum disetujui direktorat pemilik aplikasi."
    assert decide(app, broadcast, **{"ps-decision": "tolak", "ps-reason": reason}).status_code == 303
    requester = app.test_client()
    requester.post("/status", data={"referensi": broadcast, "email": "budi@satker.go.id"})
    page = requester.get(f"/status/{broadcast}").get_data(as_text=True)
    assert 'data-reply="refused"' in page and 'name="pesan"' not in page
    answer = requester.post(f"/status/{broadcast}/balas", data={"pesan": "Mohon ditinjau ulang."})
    assert answer.status_code == 422
    assert "tidak disetujui pengelola layanan HAI-DJPb, sehingga tidak dapat dibalas" in answer.get_data(as_text=True)
    ticket = load(app, broadcast)
    assert ticket.status is TicketStatus.REFUSED and ticket.events[-1].body == reason
