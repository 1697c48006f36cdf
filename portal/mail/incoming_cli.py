"""``flask mail ingest`` (one message on standard input) and ``flask mail fetch`` (IMAP over TLS).

``ingest`` exits 0 once the message is stored, quarantine included, and prints the reference it
created or appended to (or what became of a message without one). It exits 75 (EX_TEMPFAIL)
only when nothing could be stored, so the MTA keeps the message and delivers it again later.
"""

from __future__ import annotations

import logging
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from portal.catalog.service import get_catalog
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.extensions import db
from portal.mail import fetch as imap
from portal.mail import inbound

EX_TEMPFAIL = 75  # sysexits.h: Postfix and Exim keep the message and retry
log = logging.getLogger(__name__)


def _ingest_one(app: Flask, raw: bytes) -> inbound.Outcome:
    with app.test_request_context(base_url=app.config["MAIL_PORTAL_URL"]):  # links in replies
        return inbound.ingest(
            db.session(),
            raw,
            inbound.Settings.of(app),
            calendar=get_calendar(),
            catalog_version=get_catalog().version,
            now=now(),
        )


def _ingest_oversized(app: Flask, head: bytes, size: int) -> inbound.Outcome:
    with app.test_request_context(base_url=app.config["MAIL_PORTAL_URL"]):
        return inbound.ingest_oversized(db.session(), head, size, inbound.Settings.of(app), now())


def describe(outcome: inbound.Outcome) -> str:
    """One line for the MTA's log: the reference, else the status and the stored row's number."""
    return outcome.reference or f"{outcome.status} #{outcome.inbound_id}"


@click.command("ingest")
@with_appcontext
def ingest_command() -> None:
    """Store one RFC 5322 message from standard input (an MTA alias or pipe)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    limit = int(app.config["MAIL_INBOUND_MAX_BYTES"])
    stream = sys.stdin.buffer  # bytes: the message is parsed with its own charsets
    raw = stream.read(limit + 1)
    size = len(raw)
    while size > limit and (chunk := stream.read(1 << 20)):
        size += len(chunk)  # counted, not kept: only the headers of an oversized message are stored
    try:
        oversized = size > limit
        outcome = _ingest_oversized(app, raw[: inbound.HEAD_BYTES], size) if oversized else _ingest_one(app, raw)
    except Exception as exc:  # noqa: BLE001 - any failure to store means "MTA, keep it and retry"
        log.exception("incoming message not stored")
        db.session.rollback()
        click.echo(f"tidak tersimpan: {exc.__class__.__name__}", err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo(describe(outcome))


@click.command("fetch")
@click.option("--limit", default=200, show_default=True, help="Messages read in this run.")
@with_appcontext
def fetch_command(limit: int) -> None:
    """Read the desk's IMAP inbox; each message is moved only after its ticket is committed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["MAIL_IMAP_HOST"]:
        raise click.UsageError("MAIL_IMAP_HOST belum diatur.")
    for outcome in fetch_once(app, limit).outcomes:
        click.echo(describe(outcome) + (" (sudah tersimpan)" if outcome.duplicate else ""))


def fetch_once(app: Flask, limit: int = 200) -> imap.FetchReport:
    """One IMAP run with this app's ingest functions: what the command and concurrent callers share."""
    return imap.fetch(
        app, lambda raw: _ingest_one(app, raw), lambda head, size: _ingest_oversized(app, head, size), limit
    )
