"""Access to a requester's thread: server-side grants from the private link, revoked with the link."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Attachment, Ticket, TicketGrant
from tests.tickets.conftest import FRIDAY_3PM, mailed_link, thread_url

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def app(make_app):
    """Frozen clock; grants that outlive the token unless something revokes them."""
    return make_app(NOW=FRIDAY_3PM, ATTACHMENT_MAX_BYTES=2048, STATUS_GRANT_HOURS=24 * 60)


@pytest.fixture
def ticket(submit):
    """A submitted request with one attachment; returns its reference."""
    url = thread_url(submit(lampiran=[(io.BytesIO(PDF), "bukti.pdf")]))
    reference = url.split("/status/")[1].split("?")[0]
    return reference


def attachment_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(Attachment.id)).one()


def opened(app, link):
    """A new browser that opened the private link."""
    browser = app.test_client()
    assert browser.get(link, follow_redirects=True).status_code == 200
    return browser


def copy_of(app, browser):
    """Another browser holding a copy of ``browser``'s cookie (an eavesdropper, a shared computer)."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def can_open(app, browser, reference: str) -> list[int]:
    """Status codes of the thread, a reply and a download for ``browser``."""
    thread = browser.get(f"/status/{reference}").status_code
    reply = browser.post(f"/status/{reference}/balas", data={"pesan": "Halo"}).status_code
    with browser.get(f"/status/{reference}/lampiran/{attachment_id(app)}") as download:
        return [thread, reply, download.status_code]


def test_a_copied_cookie_works_until_the_owner_asks_for_a_new_link(app, ticket):
    owner = opened(app, mailed_link(app))
    thief = copy_of(app, owner)
    assert can_open(app, thief, ticket) == [200, 303, 200]
    renewed = app.test_client().post("/status/tautan-baru", data={"referensi": ticket, "email": "budi@satker.go.id"})
    assert renewed.status_code == 303
    # "The old link stops working": so does every browser that opened the thread through it.
    assert can_open(app, thief, ticket) == [403, 404, 404]
    assert can_open(app, owner, ticket) == [403, 404, 404]
    assert app.test_client().get(mailed_link(app, 0), follow_redirects=True).status_code == 403
    assert can_open(app, opened(app, mailed_link(app)), ticket) == [200, 303, 200]
    with app.app_context():
        current = db.session.scalars(select(Ticket.token_hash)).one()
        assert {g.token_hash for g in db.session.scalars(select(TicketGrant))} == {current}


def test_token_expiry_revokes_grants_made_from_it(app, ticket):
    thief = copy_of(app, opened(app, mailed_link(app)))
    app.config["NOW"] = FRIDAY_3PM + timedelta(days=29)
    assert can_open(app, thief, ticket) == [200, 303, 200]
    app.config["NOW"] = FRIDAY_3PM + timedelta(days=31)  # the 30-day token has expired
    assert can_open(app, thief, ticket) == [403, 404, 404]


def test_the_submitting_browser_loses_the_thread_with_the_token(app, client, ticket):
    assert client.get(f"/status/{ticket}").status_code == 200
    app.config["NOW"] = FRIDAY_3PM + timedelta(days=31)
    assert client.get(f"/status/{ticket}").status_code == 403


def test_a_grant_has_its_own_expiry(app, submit):
    from portal.config import Config

    assert Config.STATUS_GRANT_HOURS == 12
    app.config["STATUS_GRANT_HOURS"] = 12
    client = app.test_client()
    reference = thread_url(submit()).split("/status/")[1].split("?")[0]
    client = opened(app, mailed_link(app))
    by_mail = app.test_client()
    by_mail.post("/status", data={"referensi": reference, "email": "budi@satker.go.id"})
    app.config["NOW"] = FRIDAY_3PM + timedelta(hours=11, minutes=59)
    assert client.get(f"/status/{reference}").status_code == 200
    assert by_mail.get(f"/status/{reference}").status_code == 200
    app.config["NOW"] = FRIDAY_3PM + timedelta(hours=12)
    assert client.get(f"/status/{reference}").status_code == 403
    assert by_mail.get(f"/status/{reference}").status_code == 403


def test_the_cookie_holds_only_the_reference_and_a_random_grant_id(app, ticket):
    owner = opened(app, mailed_link(app))
    serializer = app.session_interface.get_signing_serializer(app)
    [entry] = serializer.loads(owner.get_cookie("session").value)["tiket_akses"]
    reference, grant_id = entry.split(":")
    token = mailed_link(app).split("?t=")[1]
    assert reference == ticket and len(grant_id) >= 32 and grant_id != token
    with app.app_context():
        t = db.session.scalars(select(Ticket)).one()
        stored = db.session.scalars(
            select(TicketGrant).where(TicketGrant.secret_hash == hashlib.sha256(grant_id.encode()).hexdigest())
        ).one()
        assert stored.ticket_id == t.id and stored.token_hash == t.token_hash
        assert stored.expires_at == FRIDAY_3PM + timedelta(days=60)


def test_grants_kept_in_the_cookie_by_older_versions_open_nothing(app, ticket):
    old = app.test_client()
    with old.session_transaction() as session:
        session["tiket_akses"] = [ticket]  # what e838070 kept: the reference alone, no expiry
    assert can_open(app, old, ticket) == [403, 404, 404]


def test_the_link_is_exchanged_for_a_grant_and_leaves_the_address_bar(app, ticket):
    link = mailed_link(app)
    browser = app.test_client()
    first = browser.get(link)
    assert first.status_code == 303 and first.headers["Location"] == f"/status/{ticket}"
    page = browser.get(first.headers["Location"])
    assert page.status_code == 200 and "rekening yang salah" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert first.headers["Referrer-Policy"] == "no-referrer"


def test_the_redirect_after_a_submission_carries_no_token(app, submit):
    response = submit()
    location = thread_url(response)
    assert "t=" not in location and location.endswith("?baru=1")
    token = mailed_link(app).split("?t=")[1]
    assert token not in location
    page = app.test_client()  # not the submitting browser: the address alone opens nothing
    assert page.get(location).status_code == 403
