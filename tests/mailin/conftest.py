"""Fixtures for incoming mail: an app with a frozen clock, the CLI, stored rows, staff accounts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.mailin.dovecot import DOVECOT, dovecot_server
from tests.tickets.conftest import FRIDAY_3PM, WIB  # noqa: F401  (re-exported for the tests)

CORPUS = Path(__file__).resolve().parent.parent / "mail" / "corpus"


@pytest.fixture
def app(make_app):
    """The desk on Friday 27 November 2026, 15.00 WIB, with small limits to test them."""
    return make_app(NOW=FRIDAY_3PM, MAIL_AUTO_REPLY_PER_HOUR=3)


def corpus(name: str) -> bytes:
    """The bytes of one message of the corpus."""
    return (CORPUS / name).read_bytes()


def ingest(app, raw: bytes) -> tuple[int, str]:
    """Run ``flask mail ingest`` with ``raw`` on standard input; return its exit code and output."""
    result = app.test_cli_runner().invoke(args=["mail", "ingest"], input=raw)
    if result.exit_code not in (0, 75):
        raise AssertionError(result.output) from result.exception
    return result.exit_code, result.stdout.strip()


def rows(app, model, *where):
    """Every row of ``model`` (matching ``where``), in id order, detached for reading."""
    from portal.extensions import db

    with app.app_context():
        found = list(db.session.scalars(select(model).where(*where).order_by(model.id)))
        db.session.expunge_all()
        return found


def outbox_rows(app, to: str | None = None):
    """The messages queued in the outbox (to one address when given)."""
    from portal.mail.models import OutboxMessage

    return rows(app, OutboxMessage, *([OutboxMessage.to_addr == to] if to else []))


def ticket(app, reference: str):
    """The ticket with its events and attachments loaded."""
    from portal.extensions import db
    from portal.tickets import service

    with app.app_context():
        found = service.find(db.session, reference, with_thread=True)
        assert found is not None
        for event in found.events:
            list(event.attachments)
        list(found.attachments)
        db.session.expunge_all()
        return found


def message(sender="Budi Santoso <budi@satker.go.id>", subject="Pertanyaan", body="Mohon bantuan.", **headers) -> bytes:
    """A plain message; extra headers by keyword (``In_Reply_To`` → ``In-Reply-To``)."""
    lines = [f"From: {sender}", "To: hai.djpb@kemenkeu.go.id", f"Subject: {subject}"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()


def reference_in(output: str) -> str:
    """The ticket reference ``ingest`` printed."""
    found = re.fullmatch(r"HAI-\d{4}-[0-9A-Z]{8}", output)
    assert found, output
    return found.group(0)


@pytest.fixture
def imap_server():
    """A private Dovecot over TLS; skipped without dovecot, except under CI (then it fails)."""
    if DOVECOT is None:
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot-imapd is required under CI")
        pytest.skip("dovecot-imapd is not installed")
    with dovecot_server() as server:
        yield server
