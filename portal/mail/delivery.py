"""Send the outbox: claim due rows atomically, send each once, retry with exponential backoff.

Claiming is one ``UPDATE … WHERE`` on rows that are due and not leased by a live run, so two
``flask mail send`` (or a request's after-commit delivery) running at once never take the same
row: on PostgreSQL the second UPDATE waits for the first's row locks and re-checks the lease; on
SQLite writers are serialised. A row is marked sent in its own commit right after the SMTP
server accepted it. The one window left is a process that dies between that acceptance and that
commit: the lease (``MAIL_CLAIM_SECONDS``) then expires and the message is sent a second time,
with the same Message-ID, so mail clients recognise the duplicate.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_mailman import EmailMessage
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.core.clock import now
from portal.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


@dataclass
class Report:
    """What one delivery run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def build_email(row: OutboxMessage) -> EmailMessage:
    """The Flask-Mailman message of an outbox row, with the headers fixed when it was queued."""
    headers = dict(row.headers)
    reply_to = headers.pop("Reply-To", "")
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        from_email=headers.pop("From"),
        to=[row.to_addr],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    message.outbox_id = row.id  # names the .eml file (backends.py)
    return message


def _due(at: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= at,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < at),
    )


def claim(
    session: Session, token: str, at: datetime, *, ids: list[int] | None = None, limit: int = 20
) -> list[OutboxMessage]:
    """Lease up to ``limit`` due rows (only ``ids`` when given) to ``token``; commit; return them."""
    candidates = select(OutboxMessage.id).where(_due(at)).order_by(OutboxMessage.id).limit(limit)
    if ids is not None:
        candidates = candidates.where(OutboxMessage.id.in_(ids))
    lease = at + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates), _due(at))
        .values(claimed_by=token, claimed_until=lease)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    mine = select(OutboxMessage).where(OutboxMessage.claimed_by == token).order_by(OutboxMessage.id)
    return list(session.scalars(mine))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: base × 2^(attempts-1), capped."""
    config = current_app.config
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _record_failure(session: Session, row: OutboxMessage, error: str, at: datetime, report: Report) -> None:
    row.attempts += 1
    row.last_error = error[:2000]
    row.claimed_by = row.claimed_until = None
    if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        row.status = OutboxStatus.FAILED
        report.failed += 1
    else:
        row.next_attempt_at = at + backoff(row.attempts)
        report.retrying += 1
    session.commit()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def send_due(session: Session, *, ids: list[int] | None = None, limit: int = 20) -> Report:
    """Send the due outbox rows (only ``ids`` when given), batch after batch, and report."""
    report = Report()
    connection = current_app.extensions["mailman"].get_connection()
    while True:
        token = secrets.token_hex(16)
        rows = claim(session, token, now(), ids=ids, limit=limit)
        if not rows:
            return report
        try:
            connection.open()
        except Exception as exc:  # noqa: BLE001  (server down, refused, TLS or login error: all retried)
            for row in rows:
                _record_failure(session, row, _describe(exc), now(), report)
            return report
        try:
            for row in rows:
                try:
                    accepted = connection.send_messages([build_email(row)])
                except Exception as exc:  # noqa: BLE001  (a refused recipient or a dropped connection)
                    _record_failure(session, row, _describe(exc), now(), report)
                    continue
                if accepted != 1:
                    _record_failure(session, row, "not accepted by the mail server", now(), report)
                    continue
                # Committed at once: the window in which a crash could send it twice stays tiny.
                row.status, row.sent_at, row.last_error = OutboxStatus.SENT, now(), ""
                row.attempts += 1
                row.claimed_by = row.claimed_until = None
                session.commit()
                report.sent += 1
        finally:
            connection.close()
