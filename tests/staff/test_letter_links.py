"""Letters after the confirmation (staff reply, reminder, closing) link to the private thread (#17 item 10).

The link carries a key derived from the ticket's current link generation: it opens the thread
through the same token-for-grant exchange (303 to the bare address), stays valid while the
ticket's link does, and dies with it when the requester asks for a new link.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket, TicketGrant
from tests.conftest import add_staff, outbox
from tests.jobs.test_requester_waits import run, waiting_ticket
from tests.staff.conftest import new_ticket, signed_in

LINK = re.compile(r"http://localhost(/status/[^?\s]+\?t=\S+)")


def staff_reply_letter(app, text: str = "Akun sudah dibuka.") -> tuple[str, str]:
    """A ticket with a public staff reply; return its reference and the reply letter's body."""
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "balasan", "re-body": text})
    letter = outbox(app)[-1]
    assert text in letter.get_content()
    return reference, letter.get_content()


def test_the_staff_reply_letter_opens_the_private_thread(app, people):
    reference, body = staff_reply_letter(app)
    assert "Cek Status" not in body
    link = LINK.search(body).group(1)
    assert link.startswith(f"/status/{reference}?t=")
    browser = app.test_client()
    exchange = browser.get(link)
    # The key is traded for a grant; the address the browser keeps (and a log records) has no token.
    assert exchange.status_code == 303 and exchange.headers["Location"] == f"/status/{reference}"
    page = browser.get(f"/status/{reference}")
    assert page.status_code == 200 and "Akun sudah dibuka." in page.get_data(as_text=True)
    assert browser.post(f"/status/{reference}/balas", data={"pesan": "Terima kasih"}).status_code == 303
    with app.app_context():
        ticket = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        token = link.split("t=")[1]
        # Nothing new stored in clear: the grant rows keep hashes, none of them the letter's key.
        stored = [g.secret_hash for g in db.session.scalars(select(TicketGrant))] + [ticket.token_hash]
        assert all(token not in value for value in stored)


def test_a_wrong_or_foreign_key_opens_nothing(app, people):
    reference, body = staff_reply_letter(app)
    other, _ = staff_reply_letter(app, "Balasan tiket lain.")
    key = LINK.search(body).group(1).split("t=")[1]
    browser = app.test_client()
    assert browser.get(f"/status/{other}?t={key}", follow_redirects=True).status_code == 403
    assert browser.get(f"/status/{reference}?t={key[:-1]}x", follow_redirects=True).status_code == 403


def test_a_new_link_revokes_the_letters_and_what_they_opened(app, people):
    reference, body = staff_reply_letter(app)
    link = LINK.search(body).group(1)
    holder = app.test_client()
    assert holder.get(link, follow_redirects=True).status_code == 200
    renewed = app.test_client().post("/status/tautan-baru", data={"referensi": reference, "email": "budi@satker.go.id"})
    assert renewed.status_code == 303
    assert holder.get(f"/status/{reference}").status_code == 403
    assert app.test_client().get(link, follow_redirects=True).status_code == 403
    # The letter written after the renewal carries a key of the new generation, which works.
    _, later = staff_reply_letter_on(app, reference)
    assert app.test_client().get(LINK.search(later).group(1), follow_redirects=True).status_code == 200


def staff_reply_letter_on(app, reference: str) -> tuple[str, str]:
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "balasan", "re-body": "Balasan kedua."})
    return reference, outbox(app)[-1].get_content()


def test_reminder_and_closing_letters_link_to_the_thread(make_app):
    # From cron there is no request: SERVER_NAME makes the links full addresses.
    app = make_app(NOW=datetime.fromisoformat("2026-11-27T15:00:00+07:00"), SERVER_NAME="portal.example")
    add_staff(app)
    reference = waiting_ticket(app)
    start = len(outbox(app))
    run(app, "2026-12-02T16:00:00+07:00")
    run(app, "2026-12-11T16:00:00+07:00")
    reminder, closing = outbox(app)[start:]
    for letter in (reminder, closing):
        link = re.search(r"http://portal\.example(/status/[^?\s]+\?t=\S+)", letter.get_content()).group(1)
        browser = app.test_client()
        answer = browser.get(link, base_url="http://portal.example")
        assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/status/{reference}")
        assert browser.get(f"/status/{reference}", base_url="http://portal.example").status_code == 200
