"""What the desk keeps is written in Indonesian, even when the staff member causing it reads English."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.notifications.models import Notification
from portal.tickets.models import Ticket
from tests.staff.conftest import new_ticket, signed_in


def _bodies(reference: str) -> list[str]:
    ticket = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
    return [e.body for e in ticket.events]


def test_an_english_reading_agents_transfer_merge_and_forward_are_recorded_in_indonesian(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.set_cookie("bahasa", "en")
    assert 'lang="en"' in agent.get("/staf/").get_data(as_text=True)  # the agent reads English
    moved, survivor, duplicate = (new_ticket(app) for _ in range(3))
    forwarded = new_ticket(app, code="ITSM.02", pengguna="5")
    transfer = {"pi-code": "BCSM.01", "pi-reason": "Kepegawaian"}
    assert agent.post(f"/staf/tiket/{moved}/pindah", data=transfer).status_code == 303
    assert agent.post(f"/staf/tiket/{duplicate}/gabung", data={"gb-reference": survivor}).status_code == 303
    agent.post(f"/staf/tiket/{forwarded}/tugas", data={"ambil": "1"})
    data = {"fw-unit": "Sekretariat Jenderal Kemenkeu", "fw-channel": "Surat dinas", "fw-sent_at": "2026-11-27T14:00",
            "fw-their_reference": ""}  # fmt: skip
    assert agent.post(f"/staf/tiket/{forwarded}/teruskan", data=data).status_code == 303
    with app.app_context():
        assert any(b.startswith("Dipindahkan dari ") for b in _bodies(moved))
        assert any(b.startswith(f"Tiket {duplicate} digabungkan ke tiket ini.") for b in _bodies(survivor))
        assert f"Digabungkan ke tiket {survivor}." in _bodies(duplicate)
        assert any(b.startswith("Diteruskan ke Sekretariat Jenderal Kemenkeu pada ") and "pukul" in b
                   for b in _bodies(forwarded))  # fmt: skip
        told = db.session.scalars(select(Notification.text)).all()
        assert any(t.startswith("Tiket dipindahkan ke unit Anda (BCSM.01)") for t in told)
