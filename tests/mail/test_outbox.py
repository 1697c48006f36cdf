"""Outgoing mail (issue #15, item 1): queued in the transaction of its cause, threaded, sent after commit."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from sqlalchemy import select

from portal.extensions import db
from portal.mail import delivery, service
from portal.mail.models import OutboxMessage, OutboxStatus, ThreadMessage
from tests.conftest import outbox

CONTEXT = {"name": "Budi", "email": "budi@satker.go.id", "when": "-", "by_administrator": False}


def queue(session, reference=None, auto=True, to="budi@satker.go.id"):
    """Queue one letter (the password notice template, which needs no ticket)."""
    return service.enqueue(
        session, to=to, subject="Uji", template="password_changed", context=CONTEXT,
        ticket_reference=reference, auto=auto,
    )


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_enqueue_only_adds_to_the_session(app):
    with app.app_context():
        queue(db.session())
        db.session.rollback()  # the change that caused it failed: no letter either
        assert db.session.scalars(select(OutboxMessage)).all() == []
        assert db.session.scalars(select(ThreadMessage)).all() == []
    assert outbox(app) == []


def test_a_letter_carries_every_header_and_threads(app):
    with app.app_context():
        first = queue(db.session(), "HAI-2612-7KQ4M9XD")
        second = queue(db.session(), "HAI-2612-7KQ4M9XD", auto=False)
        db.session.commit()
        report = delivery.send_due(db.session())
        assert service.thread_ids(db.session(), "HAI-2612-7KQ4M9XD") == [first.message_id, second.message_id]
    assert report.sent == 2
    one, two = outbox(app)
    assert one["Subject"] == "[HAI-2612-7KQ4M9XD] Uji" and one["To"] == "budi@satker.go.id"
    assert one["Message-ID"].endswith("@kemenkeu.go.id>") and one["Reply-To"] == "hai.djpb@kemenkeu.go.id"
    assert one["Auto-Submitted"] == "auto-replied" and two["Auto-Submitted"] is None  # a person's reply
    assert one["In-Reply-To"] is None and one["References"] is None
    assert two["In-Reply-To"] == one["Message-ID"] and two["References"] == one["Message-ID"]
    assert parsedate_to_datetime(one["Date"]).tzinfo is not None


def test_message_id_domain_and_reply_to_are_settings(make_app):
    app = make_app(MAIL_MESSAGE_ID_DOMAIN="portal.hai.example", MAIL_REPLY_TO="meja@hai.example")
    with app.app_context():
        queue(db.session())
        db.session.commit()
        delivery.send_due(db.session())
    [letter] = outbox(app)
    assert letter["Message-ID"].endswith("@portal.hai.example>") and letter["Reply-To"] == "meja@hai.example"


def test_thread_api_for_incoming_mail(app):
    with app.app_context():
        session = db.session()
        assert service.thread_headers(session, "HAI-2612-AAAAAAAA") == (None, None)
        service.remember_message(session, "abc@mail.example", "HAI-2612-AAAAAAAA", "in")
        service.remember_message(session, "<abc@mail.example>", "HAI-2612-BBBBBBBB", "in")  # known: unchanged
        service.remember_message(session, "<def@mail.example>", "HAI-2612-AAAAAAAA", "out")
        session.commit()
        assert service.reference_for_message_ids(session, ["<nope@x>", " <def@mail.example> "]) == "HAI-2612-AAAAAAAA"
        assert service.reference_for_message_ids(session, ["<nope@x>", ""]) is None
        assert service.thread_headers(session, "HAI-2612-AAAAAAAA") == (
            "<def@mail.example>",
            "<abc@mail.example> <def@mail.example>",
        )
        assert service.thread_headers(session, "HAI-2612-BBBBBBBB") == (None, None)


def test_references_keep_the_first_and_the_latest(app):
    with app.app_context():
        session = db.session()
        for i in range(15):
            service.remember_message(session, f"<m{i}@x>", "HAI-2612-AAAAAAAA", "in")
        session.commit()
        last, references = service.thread_headers(session, "HAI-2612-AAAAAAAA")
    assert last == "<m14@x>" and references.split() == ["<m0@x>", *[f"<m{i}@x>" for i in range(6, 15)]]


def test_the_status_of_a_sent_letter(app):
    with app.app_context():
        queue(db.session())
        db.session.commit()
        delivery.send_due(db.session())
        assert delivery.send_due(db.session()).sent == 0  # nothing is sent twice
    [row] = rows(app)
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None and row.claimed_by is None
    assert len(outbox(app)) == 1
