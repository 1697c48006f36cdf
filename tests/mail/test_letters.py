"""The letters of a ticket's life through the real pages: one thread, the right headers, nothing sent twice (#15)."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.tickets.models import Ticket
from tests.conftest import add_staff, outbox
from tests.staff.conftest import new_ticket, signed_in
from tests.tickets.conftest import FRIDAY_3PM


def test_confirmation_reply_and_resolution_thread_with_the_right_headers(make_app):
    app = make_app(NOW=FRIDAY_3PM)
    add_staff(app, email="agen@kemenkeu.go.id", role="agen")
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "balasan", "re-body": "Akun sudah dibuka."})
    agent.post(f"/staf/tiket/{reference}/status", data={"st-status": "selesai", "st-fulfilment": "solusi"})
    confirmation, reply, resolved = outbox(app)
    assert [m["Subject"] for m in (confirmation, reply, resolved)] == [
        f"[{reference}] Permintaan Anda telah diterima",
        f"[{reference}] Balasan dari HAI-DJPb",
        f"[{reference}] Tiket selesai",
    ]
    # Automatic letters say so; the agent's personal reply does not.
    assert [m["Auto-Submitted"] for m in (confirmation, reply, resolved)] == ["auto-replied", None, "auto-replied"]
    assert confirmation["In-Reply-To"] is None
    assert reply["In-Reply-To"] == confirmation["Message-ID"] == reply["References"]
    assert resolved["In-Reply-To"] == reply["Message-ID"]
    assert resolved["References"].split() == [confirmation["Message-ID"], reply["Message-ID"]]
    assert {m["Reply-To"] for m in (confirmation, reply, resolved)} == {"hai.djpb@kemenkeu.go.id"}
    assert "Akun sudah dibuka." in reply.get_content()
    with app.app_context():
        assert db.session.scalars(select(Ticket.status)).one() == "selesai"
        assert len(db.session.scalars(select(OutboxMessage)).all()) == 3


def test_a_refused_status_change_queues_no_letter(make_app):
    app = make_app(NOW=FRIDAY_3PM)
    add_staff(app, email="agen@kemenkeu.go.id", role="agen")
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    # "selesai" without how it was fulfilled is refused by the workflow: no letter either.
    assert agent.post(f"/staf/tiket/{reference}/status", data={"st-status": "selesai"}).status_code == 422
    with app.app_context():
        assert [m.template for m in db.session.scalars(select(OutboxMessage))] == ["confirmation"]
    assert len(outbox(app)) == 1
