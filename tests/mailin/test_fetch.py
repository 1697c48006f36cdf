"""``flask mail fetch`` against a real Dovecot over TLS: one message, one ticket, whoever fetches."""

from __future__ import annotations

import os
import threading

import pytest

from portal.mail import fetch as imap
from portal.mail.incoming_cli import fetch_once
from portal.mail.models import InboundMessage, InboundStatus
from portal.tickets.models import Ticket
from tests.mailin.conftest import corpus, message, outbox_rows, rows

NEW_TICKET_MESSAGES = ("outlook_html.eml", "multipart_pdf.eml", "latin1.eml", "base64_subject.eml")


@pytest.fixture
def mail_app(make_app, imap_server):
    """The desk reading the private Dovecot's mailbox."""
    from tests.mailin.conftest import FRIDAY_3PM

    return make_app(NOW=FRIDAY_3PM, **imap_server.settings())


def _fill(imap_server, count: int = 6) -> list[bytes]:
    messages = [corpus(name) for name in NEW_TICKET_MESSAGES]
    messages += [message(subject=f"Permintaan {n}", Message_ID=f"<imap-{n}@satker.go.id>") for n in range(count)]
    messages += [corpus("broken_mime.eml"), corpus("auto_reply.eml")]
    client = imap_server.client()
    for raw in messages:
        client.append("INBOX", raw)
    client.logout()
    return messages


def _folders(imap_server) -> dict[str, int]:
    client = imap_server.client()
    try:
        counts = {}
        for folder in ("INBOX", "Diproses"):
            counts[folder] = client.select_folder(folder)[b"EXISTS"] if client.folder_exists(folder) else 0
        return counts
    finally:
        client.logout()


def test_fetch_makes_tickets_and_moves_each_message_after_its_commit(mail_app, imap_server):
    messages = _fill(imap_server, count=2)
    result = mail_app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == len(messages)
    assert len(rows(mail_app, Ticket)) == len(NEW_TICKET_MESSAGES) + 2
    statuses = sorted(r.status for r in rows(mail_app, InboundMessage))
    assert statuses.count(InboundStatus.QUARANTINE) == 1 and statuses.count(InboundStatus.IGNORED) == 1
    assert _folders(imap_server) == {"INBOX": 0, "Diproses": len(messages)}
    # A second run finds nothing left to do.
    assert mail_app.test_cli_runner().invoke(args=["mail", "fetch"]).output.strip() == ""


def test_a_message_whose_ticket_is_not_committed_stays_in_the_inbox(mail_app, imap_server):
    _fill(imap_server, count=0)

    def failing(_raw):
        raise RuntimeError("database down")

    with mail_app.app_context(), pytest.raises(RuntimeError):
        imap.fetch(mail_app, failing, failing)
    assert _folders(imap_server)["INBOX"] == len(NEW_TICKET_MESSAGES) + 2
    assert rows(mail_app, InboundMessage) == []


@pytest.mark.skipif(not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="concurrent writers need PostgreSQL")
def test_two_concurrent_fetch_runs_make_one_ticket_per_message(mail_app, imap_server):
    messages = _fill(imap_server, count=12)
    start = threading.Barrier(2)
    reported: list[str] = []
    failures: list[BaseException] = []

    # The command's own function, not CliRunner: two runners in threads swap sys.stdout under each
    # other, so lines printed by one run can land in the other's capture or in neither.
    def run():
        try:
            start.wait()
            with mail_app.app_context():
                reported.extend(o.reference or str(o.inbound_id) for o in fetch_once(mail_app).outcomes)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    inbound = rows(mail_app, InboundMessage)
    assert len(inbound) == len(messages)  # each message stored once
    tickets = rows(mail_app, Ticket)
    assert len(tickets) == len(NEW_TICKET_MESSAGES) + 12  # one ticket per message that asks for one
    assert len({t.requester_email + t.subject for t in tickets}) == len(tickets)
    confirmations = [m.to_addr for m in outbox_rows(mail_app) if m.template == "inbound_received"]
    others = [t.requester_email for t in tickets if t.requester_email != "budi@satker.go.id"]
    assert sorted(a for a in confirmations if a != "budi@satker.go.id") == sorted(others)  # one each
    assert _folders(imap_server) == {"INBOX": 0, "Diproses": len(messages)}
    assert len(reported) >= len(messages)  # every message was reported by at least one run


def test_a_message_stored_by_a_run_that_died_before_moving_it_is_moved_later_not_doubled(mail_app, imap_server):
    from datetime import timedelta

    from portal.extensions import db
    from tests.mailin.conftest import ingest

    raw = corpus("latin1.eml")
    ingest(mail_app, raw)  # the first run committed the ticket, then died before its MOVE
    client = imap_server.client()
    client.append("INBOX", raw)
    client.logout()
    # Within the grace period the message is left to the run that stored it.
    assert "sudah tersimpan" in mail_app.test_cli_runner().invoke(args=["mail", "fetch"]).output
    assert _folders(imap_server)["INBOX"] == 1
    with mail_app.app_context():
        row = db.session.scalars(db.select(InboundMessage)).one()
        row.received_at -= timedelta(hours=1)
        db.session.commit()
    assert "sudah tersimpan" in mail_app.test_cli_runner().invoke(args=["mail", "fetch"]).output
    assert _folders(imap_server) == {"INBOX": 0, "Diproses": 1}
    assert len(rows(mail_app, Ticket)) == 1


def test_an_oversized_message_is_read_by_its_headers_and_answered(make_app, imap_server):
    from tests.mailin.conftest import FRIDAY_3PM

    app = make_app(NOW=FRIDAY_3PM, MAIL_INBOUND_MAX_BYTES=4096, **imap_server.settings())
    big = message(subject="Lampiran besar", Message_ID="<besar-imap@satker.go.id>", body="x" * 10_000)
    client = imap_server.client()
    client.append("INBOX", big)
    client.logout()
    assert app.test_cli_runner().invoke(args=["mail", "fetch"]).output.startswith("terlalu-besar")
    [row] = rows(app, InboundMessage)
    assert row.status == InboundStatus.OVERSIZED and row.size == len(big) and b"x" * 100 not in row.raw
    assert rows(app, Ticket) == [] and [m.to_addr for m in outbox_rows(app)] == ["budi@satker.go.id"]
    assert _folders(imap_server) == {"INBOX": 0, "Diproses": 1}
