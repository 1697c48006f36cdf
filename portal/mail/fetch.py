"""Reading the desk's mailbox over IMAP with TLS (IMAPClient), for ``flask mail fetch``.

A message is moved to ``MAIL_IMAP_DONE_FOLDER`` (or, with that setting empty, flagged
``\\Seen``) only after ``ingest`` has committed what it made of it: a crash in between leaves it
in the inbox, and the next run finds it again and recognises it (``InboundMessage.dedupe_key``).
Several runs at once (cron on two nodes) may read the same message; the database lets one of
them store it, and that run moves it. A run that finds the message already stored leaves it to
that run for ``MAIL_IMAP_GRACE_SECONDS`` (two concurrent MOVEs would leave two copies in the
done folder) and moves it only later, when the first run evidently died after its commit.
Bodies are read with ``BODY.PEEK[]`` so reading marks nothing; a message over
``MAIL_INBOUND_MAX_BYTES`` is read by its headers only.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from portal.core.clock import now
from portal.mail.inbound import HEAD_BYTES, Outcome

Ingest = Callable[[bytes], Outcome]
IngestOversized = Callable[[bytes, int], Outcome]


@dataclass
class FetchReport:
    """What one run did: the outcomes of the messages it handled, in order."""

    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def connect(app: Flask) -> IMAPClient:
    """Sign in to the desk's mailbox; TLS is verified (``MAIL_IMAP_CA_FILE`` for a private CA)."""
    config = app.config
    context = ssl.create_default_context(cafile=config["MAIL_IMAP_CA_FILE"] or None)
    client = IMAPClient(
        config["MAIL_IMAP_HOST"],
        port=int(config["MAIL_IMAP_PORT"]),
        ssl=True,
        ssl_context=context,
        timeout=float(config["MAIL_IMAP_TIMEOUT"]),
    )
    client.login(config["MAIL_IMAP_USER"], config["MAIL_IMAP_PASSWORD"])
    return client


def _done(client: IMAPClient, uid: int, done_folder: str) -> None:
    """Move the message out of the inbox (or flag it read); a message another run moved is fine."""
    try:
        if not done_folder:
            client.add_flags([uid], [b"\\Seen"], silent=True)
        elif client.has_capability("MOVE"):
            client.move([uid], done_folder)
        else:
            client.copy([uid], done_folder)
            client.delete_messages([uid], silent=True)
            client.uid_expunge([uid]) if client.has_capability("UIDPLUS") else client.expunge()
    except IMAPClientError:
        pass  # gone already: another run handled and moved it


def _mine_to_move(outcome: Outcome, done_folder: str, grace: timedelta) -> bool:
    """Move what this run stored; what another run stored only once that run had time to move it."""
    if not outcome.duplicate or not done_folder or outcome.stored_at is None:
        return True
    return now() - outcome.stored_at >= grace


def fetch(app: Flask, ingest: Ingest, ingest_oversized: IngestOversized, limit: int = 200) -> FetchReport:
    """Ingest up to ``limit`` messages from the inbox, marking each one after its commit."""
    config = app.config
    folder, done_folder = config["MAIL_IMAP_FOLDER"], config["MAIL_IMAP_DONE_FOLDER"]
    max_bytes = int(config["MAIL_INBOUND_MAX_BYTES"])
    grace = timedelta(seconds=int(config["MAIL_IMAP_GRACE_SECONDS"]))
    report = FetchReport()
    client = connect(app)
    try:
        if done_folder and not client.folder_exists(done_folder):
            with contextlib.suppress(IMAPClientError):  # another run created it a moment ago
                client.create_folder(done_folder)
        client.select_folder(folder)
        uids = client.search(["UNSEEN"] if not done_folder else ["UNDELETED"])[:limit]
        sizes = client.fetch(uids, ["RFC822.SIZE"]) if uids else {}
        for uid in uids:
            size = sizes.get(uid, {}).get(b"RFC822.SIZE")
            if size is None:
                continue  # moved by another run since the search
            if size > max_bytes:
                data = client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid, {})
                raw = data.get(b"BODY[HEADER]")
                if raw is None:
                    continue
                outcome = ingest_oversized(raw[:HEAD_BYTES], size)
            else:
                data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
                raw = data.get(b"BODY[]")
                if raw is None:
                    continue
                outcome = ingest(raw)
            report.outcomes.append(outcome)
            if _mine_to_move(outcome, done_folder, grace):
                _done(client, uid, done_folder)
    finally:
        with contextlib.suppress(IMAPClientError, OSError):
            client.logout()
    return report
