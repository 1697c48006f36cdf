"""Merge and link: a merged reference leads to its survivor everywhere; links show on both tickets."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.tickets import routing
from portal.tickets.models import Attachment, Ticket, TicketEvent
from tests.staff.conftest import new_ticket, signed_in
from tests.tickets.conftest import mailed_link


def load(reference: str) -> Ticket:
    return db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()


def duplicate_with_message_and_file(app, reference: str) -> None:
    """Give the duplicate a requester message and a file on its request."""
    with app.app_context():
        t = load(reference)
        folder = Path(app.instance_path) / "uploads" / "tickets"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "dup-file").write_bytes(b"%PDF-1.4 test")
        t.attachments.append(
            Attachment(
                filename="bukti.pdf", stored_name="dup-file", mimetype="application/pdf", size=13, event=t.events[0]
            )
        )
        t.events.append(TicketEvent(kind="pesan", public=True, author="pengguna", body="Tambahan dari duplikat"))
        db.session.commit()


def merged_pair(app):
    survivor = new_ticket(app)
    duplicate = new_ticket(app, subjek="Reset user SAKTI lagi")
    duplicate_with_message_and_file(app, duplicate)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    response = agent.post(f"/staf/tiket/{duplicate}/gabung", data={"gb-reference": survivor.lower()})
    assert response.status_code == 303 and survivor in response.headers["Location"]
    return survivor, duplicate, agent


def test_merge_moves_messages_and_files_and_closes_the_duplicate(app, people):
    survivor, duplicate, agent = merged_pair(app)
    with app.app_context():
        s, d = load(survivor), load(duplicate)
        assert d.status == "ditutup" and d.merged_into_id == s.id
        bodies = [e.body for e in s.events]
        assert "Tambahan dari duplikat" in bodies
        assert any(duplicate in b and "Reset user SAKTI lagi" in b for b in bodies)
        [moved] = [a for a in s.attachments if a.filename == "bukti.pdf"]
        assert moved.event.ticket_id == s.id and d.attachments == []
        assert routing.survivor_reference(db.session(), duplicate) == survivor
        assert routing.survivor_reference(db.session(), duplicate.lower()) == survivor
        assert routing.survivor_reference(db.session(), "HAI-0000-00000000") is None
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.merge")).one()
        assert entry.object_id == duplicate and entry.after["merged_into"] == survivor
        assert entry.actor_id == people["agen"]
    page = agent.get(f"/staf/tiket/{survivor}").get_data(as_text=True)
    assert f'data-merged-from="{duplicate}"' in page
    assert f'data-merged-into="{survivor}"' in agent.get(f"/staf/tiket/{duplicate}").get_data(as_text=True)
    download = agent.get(f"/staf/tiket/{survivor}/lampiran/{moved.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()


def test_a_merged_ticket_takes_no_more_replies_and_keeps_no_clock(app, people):
    """Its thread moved to the survivor: the page sends staff there instead of offering a reply,
    "Jadikan FAQ" or the remaining hours, and a reply posted anyway is refused."""
    survivor, duplicate, agent = merged_pair(app)
    page = BeautifulSoup(agent.get(f"/staf/tiket/{duplicate}").get_data(as_text=True), "html.parser")
    assert page.select_one("[data-merged-closed] a")["href"].endswith(f"/staf/tiket/{survivor}")
    assert page.select_one("textarea[name=re-body]") is None and page.select_one("[data-faq-from-ticket]") is None
    assert page.select_one("[data-remaining]") is None and survivor in page.select_one("[data-merged-sla]").get_text()
    refused = agent.post(f"/staf/tiket/{duplicate}/pesan", data={"jenis": "balasan", "re-body": "Halo lagi"})
    assert refused.status_code == 422 and "sudah digabungkan" in refused.get_data(as_text=True)
    with app.app_context():
        assert "Halo lagi" not in [e.body for e in load(duplicate).events + load(survivor).events]


def test_the_merged_reference_leads_to_the_survivor_status_link_and_api(app, people):
    survivor, duplicate, _agent = merged_pair(app)
    # The status page: the reference alone shows the survivor's summary.
    page = app.test_client().post("/status", data={"referensi": duplicate}).get_data(as_text=True)
    assert survivor in page and duplicate not in page
    # With the e-mail: the survivor's thread.
    client = app.test_client()
    response = client.post("/status", data={"referensi": duplicate, "email": "budi@satker.go.id"})
    assert response.headers["Location"].endswith(f"/status/{survivor}")
    # The duplicate's private link (its confirmation e-mail, the second one sent) opens the survivor.
    browser = app.test_client()
    response = browser.get(mailed_link(app, 1))
    assert duplicate in mailed_link(app, 1)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/status/{survivor}")
    thread = browser.get(f"/status/{survivor}")
    assert thread.status_code == 200 and "Tambahan dari duplikat" in thread.get_data(as_text=True)
    # A bare /status/<duplicate> leads there too.
    assert browser.get(f"/status/{duplicate}").headers["Location"].endswith(f"/status/{survivor}")
    # A wrong token for the duplicate opens nothing.
    stranger = app.test_client()
    stranger.get(f"/status/{duplicate}?t=salah")
    assert stranger.get(f"/status/{survivor}").status_code == 403
    # The API answers with the survivor.
    token = app.test_cli_runner().invoke(args=["api-token", "create", "bot"]).output.strip().splitlines()[-1]
    answer = app.test_client().get(f"/api/v1/tickets/{duplicate}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.get_json()["reference"] == survivor


def test_a_browser_that_held_the_duplicate_follows_it(app, people):
    survivor = new_ticket(app)
    browser = app.test_client()
    duplicate = new_ticket(app, client=browser, subjek="Duplikat")  # the submitting browser holds a grant
    assert browser.get(f"/status/{duplicate}").status_code == 200
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{duplicate}/gabung", data={"gb-reference": survivor})
    response = browser.get(f"/status/{duplicate}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/status/{survivor}")
    assert browser.get(f"/status/{survivor}").status_code == 200


def test_merge_refuses_other_requesters_itself_and_other_units(app, people):
    first = new_ticket(app)
    other_requester = new_ticket(app, email="ani@satker.go.id")
    agent = signed_in(app, "agen@kemenkeu.go.id")
    assert agent.post(f"/staf/tiket/{other_requester}/gabung", data={"gb-reference": first}).status_code == 422
    assert agent.post(f"/staf/tiket/{first}/gabung", data={"gb-reference": first}).status_code == 422
    assert agent.post(f"/staf/tiket/{first}/gabung", data={"gb-reference": "HAI-0000-XXXXXXXX"}).status_code == 422
    other_unit = signed_in(app, "setditjen@kemenkeu.go.id")
    assert other_unit.post(f"/staf/tiket/{first}/gabung", data={"gb-reference": other_requester}).status_code == 404
    with app.app_context():
        assert load(first).merged_into_id is None and load(other_requester).merged_into_id is None


def test_link_shows_on_both_tickets_once(app, people):
    first, second = new_ticket(app), new_ticket(app, email="ani@satker.go.id")
    agent = signed_in(app, "agen@kemenkeu.go.id")
    assert agent.post(f"/staf/tiket/{first}/tautan", data={"tt-reference": second}).status_code == 303
    assert agent.post(f"/staf/tiket/{second}/tautan", data={"tt-reference": first}).status_code == 303  # no double
    assert f'data-linked="{second}"' in agent.get(f"/staf/tiket/{first}").get_data(as_text=True)
    assert f'data-linked="{first}"' in agent.get(f"/staf/tiket/{second}").get_data(as_text=True)
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.link")).all()
        assert [(e.object_id, e.after["linked"]) for e in entries] == [(first, second)]
