"""Role × route matrix over every /staf route, GET and POST, as the URL map lists them.

Anonymous visitors are sent to sign-in; internal requesters get 404 everywhere; ticket routes
answer 404 to staff of another unit and to administrators outside their units; calendar pages
answer 404 to agents; account and outgoing-mail pages answer 404 to everyone but administrators. The password
page is every signed-in account's own, internal requesters' too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.core.access import level_of
from portal.extensions import db
from portal.tickets.models import Attachment, Ticket
from tests.staff.conftest import new_ticket, signed_in

# Every back-office endpoint; a route added without a row here fails test_the_matrix_covers_every_route.
EXPECTED = {
    "staff.queue": "staf",
    "staff.ticket": "staf",
    "staff.message": "staf",
    "staff.change_status": "staf",
    "staff.approval": "staf-ketua",  # BMSM.01: the service manager approves or refuses a broadcast
    "staff.assign": "staf",
    "staff.download": "staf",
    "staff.make_faq": "staf",  # "Jadikan FAQ": the ticket's own unit
    "staff.transfer": "staf",
    "staff.merge": "staf",
    "staff.link": "staf",
    "staff.forward": "staf",
    "staff.forward_update": "staf",
    "staff.register": "staf",
    "staff.dashboard": "staf",
    "staff.dashboard_csv": "staf",
    "staff.canned": "staf",
    "staff.canned_save": "staf",
    "staff.canned_delete": "staf",
    "staff.knowledge": "staf",
    "staff.calendar": "staf-ketua",
    "staff.announcement_add": "staf-ketua",
    "staff.announcement_remove": "staf-ketua",
    "staff.override_set": "staf-ketua",
    "staff.override_remove": "staf-ketua",
    "staff.users": "staf-admin",
    "staff.user_create": "staf-admin",
    "staff.user_active": "staf-admin",
    "staff.user_reset": "staf-admin",
    "staff.faq_editors": "staf-admin",  # appointing "editor FAQ" per unit (#16 item 7)
    "staff.faq_editor_appoint": "staf-admin",
    "staff.faq_editor_dismiss": "staf-admin",
    "staff.mail_outbox": "staf-admin",
    "staff.mail_resend": "staf-admin",
    "staff.mapping": "staf-admin",
    "staff.mapping_save": "staf-admin",
    "staff.audit_log": "staf-admin",
    "staff.audit_csv": "staf-admin",
    # Incoming mail (portal/mail): triage and held mail for every staff member, quarantine for administrators.
    "mail.triage_queue": "staf",
    "mail.triage_ticket": "staf",
    "mail.triage_set_code": "staf",
    "mail.held": "staf",
    "mail.held_action": "staf",
    "mail.quarantine": "staf-admin",
    "mail.quarantine_action": "staf-admin",
    "notifications.index": "staf",  # each member's own notifications
    "notifications.read": "staf",
    "notifications.preferences": "staf",
    # FAQ authoring (portal/faq): every staff member; an article's pages only for its owning unit.
    "faq.index": "staf",
    "faq.edit": "staf",
    "faq.submit": "staf",
    "faq.publish": "staf",
    "faq.archive": "staf",
    "faq.restore": "staf",
    "faq.diff": "staf",
    "faq.queue": "staf",
    "faq.queue_close": "staf",
    # Web chat (portal/chat): every staff member answers chats; a chat's actions check who holds it.
    "chat_staff.queue": "staf",
    "chat_staff.set_availability": "staf",
    "chat_staff.chat": "staf",
    "chat_staff.poll": "staf",
    "chat_staff.accept": "staf",
    "chat_staff.send": "staf",
    "chat_staff.transfer": "staf",
    "chat_staff.end": "staf",
}
TRIAGE = {"mail.triage_ticket", "mail.triage_set_code"}  # open to all staff while the ticket has no code
PUBLIC = {"auth.login", "auth.logout"}
OWN_ACCOUNT = {"auth.change_password": "masuk"}  # any signed-in account, for itself
ROLES = {  # who → e-mail (see the people fixture): agent and lead of SITP, agent and admin of Sekretariat DJPb
    "agent": "agen@kemenkeu.go.id",
    "lead": "ketua@kemenkeu.go.id",
    "other_unit": "setditjen@kemenkeu.go.id",
    "admin": "admin@kemenkeu.go.id",
}
ALLOWED = {"staf": {"agent", "lead", "other_unit", "admin"}, "staf-ketua": {"lead", "admin"}, "staf-admin": {"admin"}}


def staff_routes(app):
    """(endpoint, method, rule) for every /staf route."""
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staf")
        for method in sorted(rule.methods & {"GET", "POST"})
    )


@pytest.fixture
def world(app, people):
    """A ticket of Direktorat SITP with one attachment on disk."""
    reference = new_ticket(app)
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        folder = Path(app.instance_path) / "uploads" / "tickets"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "matrix-file").write_bytes(b"%PDF-1.4 test")
        a = Attachment(filename="surat.pdf", stored_name="matrix-file", mimetype="application/pdf", size=13)
        t.attachments.append(a)
        db.session.commit()
        attachment_id = str(a.id)
    mail = b"From: a@example.com\nSubject: x\n\nTolong.\n"
    mailed = app.test_cli_runner().invoke(args=["mail", "ingest"], input=mail)
    slug = "gangguan-jaringan-kppn-kanwil-norma-waktu-persiapan"  # ITSM.02, Direktorat SITP's
    chat_id = waiting_chat(app)
    return {"reference": reference, "attachment_id": attachment_id, "triage": mailed.output.strip(), "slug": slug,
            "number": "1", "chat_id": str(chat_id)}  # fmt: skip


def waiting_chat(app) -> int:
    """A visitor's chat waiting in the queue (the chat pages take its id)."""
    from portal.chat import service as chat_service
    from portal.core.clock import now

    with app.app_context():
        can = chat_service.Availability(True, True, None)
        chat = chat_service.start(db.session, name="Rina", email="rina@satker.go.id", code="", about="",
                                  text="Halo", now=now(), can=can)  # fmt: skip
        return chat.id


def url(rule: str, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule)


def test_the_matrix_covers_every_route(app):
    endpoints = {endpoint for endpoint, _, _ in staff_routes(app)} - PUBLIC
    assert endpoints == set(EXPECTED) | set(OWN_ACCOUNT)
    assert {e: level_of(app, e) for e in endpoints} == EXPECTED | OWN_ACCOUNT


@pytest.mark.parametrize("who", [*sorted(ROLES), "internal"])
def test_every_account_opens_its_own_password_page(app, people, who):
    client = signed_in(app, ROLES.get(who, "kppn@kemenkeu.go.id"))
    opened = [rule for endpoint, method, rule in staff_routes(app) if endpoint in OWN_ACCOUNT and method == "GET"]
    assert opened and all(client.get(rule).status_code == 200 for rule in opened)


def test_anonymous_visitors_are_sent_to_sign_in(app, world):
    client = app.test_client()
    for endpoint, method, rule in staff_routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url(rule, world), method=method, data={})
        assert response.status_code == 303 and "/staf/masuk" in response.headers["Location"], (method, rule)


def test_internal_requesters_get_404_everywhere(app, world):
    client = signed_in(app, "kppn@kemenkeu.go.id")
    for endpoint, method, rule in staff_routes(app):
        if endpoint not in PUBLIC and endpoint not in OWN_ACCOUNT:
            assert client.open(url(rule, world), method=method, data={}).status_code == 404, (method, rule)


@pytest.mark.parametrize("who", sorted(ROLES))
def test_staff_roles(app, world, who):
    client = signed_in(app, ROLES[who])
    for endpoint, method, rule in staff_routes(app):
        if endpoint in PUBLIC or endpoint in OWN_ACCOUNT:
            continue
        values = {**world, "reference": world["triage"]} if endpoint in TRIAGE else world
        response = client.open(url(rule, values), method=method, data={})
        allowed = who in ALLOWED[EXPECTED[endpoint]]
        if ("<reference>" in rule and endpoint not in TRIAGE) or "<slug>" in rule:
            allowed = allowed and who in ("agent", "lead")  # the ticket's own unit only, administrators included
        location = response.headers.get("Location", "")
        response.close()  # the download streams a file
        if allowed:
            assert response.status_code != 404 and "/staf/masuk" not in location, (who, method, rule)
            if method == "GET":
                assert response.status_code == 200, (who, rule)
        else:
            assert response.status_code == 404, (who, method, rule, response.status_code)
