"""Queue outgoing mail and remember every ticket's thread of Message-IDs.

The API other features (and incoming mail) use, kept stable:

- ``enqueue(session, *, to, subject, template, context, ticket_reference=None, auto=False)``
  renders ``templates/email/<template>.txt`` and ADDS an ``OutboxMessage`` to ``session``; the
  caller's commit makes it durable, in the same transaction as the change that causes it. It is
  sent after that commit (see ``portal.mail.delivery``).
- ``remember_message(session, message_id, ticket_reference, direction)`` records a Message-ID
  sent (``"out"``) or received (``"in"``) in a ticket's thread (idempotent; adds, never commits).
- ``reference_for_message_ids(session, ids)`` gives the ticket reference of the first known id
  among ``ids`` (In-Reply-To first, then References newest first), or ``None``.
- ``thread_headers(session, ticket_reference)`` gives ``(in_reply_to, references)`` header
  values for the next message of the thread (``None`` when the thread is empty).
- ``normalise_message_id(raw)`` is the form ids are stored in (``<local@domain>``).

For the back office: ``troubled(session)`` lists failing and failed messages, ``resend(session,
id)`` queues one again.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from email.utils import format_datetime, parseaddr
from typing import Any

from flask import current_app, render_template
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from portal.core.clock import now
from portal.mail.models import OutboxMessage, OutboxStatus, ThreadMessage

DIRECTIONS = ("out", "in")
# Mail clients thread on In-Reply-To; References keeps the first message and the latest ones
# (RFC 5322 3.6.4), bounded so a long thread does not grow the header without end.
REFERENCES_KEPT = 10
PENDING_KEY = "mail_outbox_pending"


def normalise_message_id(raw: str) -> str:
    """Return a Message-ID as stored: trimmed and in angle brackets (``<id@domain>``)."""
    value = raw.strip()
    return value if value.startswith("<") and value.endswith(">") else f"<{value.strip('<>')}>"


def message_domain() -> str:
    """The portal's domain for Message-IDs: ``MAIL_MESSAGE_ID_DOMAIN``, else the sender's domain."""
    config = current_app.config
    return config.get("MAIL_MESSAGE_ID_DOMAIN") or parseaddr(config["MAIL_SENDER"])[1].rsplit("@", 1)[-1]


def new_message_id() -> str:
    """A fresh Message-ID on the portal's domain (random: it reveals neither time nor host)."""
    return f"<{secrets.token_hex(16)}@{message_domain()}>"


def remember_message(session: Session, message_id: str, ticket_reference: str, direction: str) -> ThreadMessage:
    """Record that ``message_id`` belongs to the thread of ``ticket_reference``; return its row.

    An id already known is left as it is (its first ticket wins). The row is only added to
    ``session``; the unique constraint on ``message_id`` refuses a concurrent duplicate at commit.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    message_id = normalise_message_id(message_id)
    known = session.scalar(select(ThreadMessage).where(ThreadMessage.message_id == message_id))
    if known is not None:
        return known
    row = ThreadMessage(message_id=message_id, ticket_reference=ticket_reference, direction=direction, created_at=now())
    session.add(row)
    return row


def reference_for_message_ids(session: Session, ids: Iterable[str]) -> str | None:
    """The ticket reference of the first id in ``ids`` that belongs to a thread, else ``None``."""
    wanted = [normalise_message_id(i) for i in ids if i and i.strip()]
    if not wanted:
        return None
    rows = session.execute(
        select(ThreadMessage.message_id, ThreadMessage.ticket_reference).where(ThreadMessage.message_id.in_(wanted))
    ).all()
    found = dict(rows)
    return next((found[i] for i in wanted if i in found), None)


def thread_ids(session: Session, ticket_reference: str) -> list[str]:
    """Every Message-ID of the ticket's thread, oldest first."""
    return list(
        session.scalars(
            select(ThreadMessage.message_id)
            .where(ThreadMessage.ticket_reference == ticket_reference)
            .order_by(ThreadMessage.created_at, ThreadMessage.id)
        )
    )


def thread_headers(session: Session, ticket_reference: str) -> tuple[str | None, str | None]:
    """``(In-Reply-To, References)`` for the next message of the thread; ``(None, None)`` when empty."""
    ids = thread_ids(session, ticket_reference)
    if not ids:
        return None, None
    kept = ids if len(ids) <= REFERENCES_KEPT else [ids[0], *ids[-(REFERENCES_KEPT - 1):]]
    return ids[-1], " ".join(kept)


def enqueue(
    session: Session,
    *,
    to: str,
    subject: str,
    template: str,
    context: Mapping[str, Any],
    ticket_reference: str | None = None,
    auto: bool = False,
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` and add the message to the outbox of ``session``.

    Nothing is sent and nothing committed here: the caller's commit stores the message with the
    change that causes it, and only then is it sent. ``auto`` marks an automatic message
    (``Auto-Submitted: auto-replied``); a staff member's personal reply is not automatic. With a
    ``ticket_reference`` the subject carries ``[reference]`` and the message joins the ticket's
    thread (In-Reply-To/References to its earlier messages).
    """
    config = current_app.config
    message_id = new_message_id()
    headers: dict[str, str] = {
        "From": config["MAIL_SENDER"],
        "Reply-To": config["MAIL_REPLY_TO"],
        "Message-ID": message_id,
        # The application's clock, so a frozen or replayed clock dates the letters it writes too.
        "Date": format_datetime(now()),
    }
    if auto:
        headers["Auto-Submitted"] = "auto-replied"
    if ticket_reference:
        subject = f"[{ticket_reference}] {subject}"
        in_reply_to, references = thread_headers(session, ticket_reference)
        if in_reply_to and references:
            headers["In-Reply-To"] = in_reply_to
            headers["References"] = references
        remember_message(session, message_id, ticket_reference, "out")
    row = OutboxMessage(
        message_id=message_id,
        to_addr=to,
        subject=subject,
        body=render_template(f"email/{template}.txt", **context),
        headers=headers,
        template=template,
        ticket_reference=ticket_reference,
        auto=auto,
        next_attempt_at=now(),
        created_at=now(),
    )
    session.add(row)
    # Sent right after the commit that stores it, when MAIL_SEND_AFTER_REQUEST allows.
    session.info.setdefault(PENDING_KEY, []).append(row)
    return row


def resend(session: Session, row_id: int) -> OutboxMessage | None:
    """Queue a failing or failed message again, due now, with a fresh count of attempts (no commit).

    Refused (``None``) for a message already sent, or leased right now by a sending run: one
    UPDATE checks both, so a click cannot free a message that is being sent and send it twice.
    """
    at = now()
    changed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status != OutboxStatus.SENT,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < at),
        )
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=at, claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        return None
    row = session.get(OutboxMessage, row_id, populate_existing=True)
    session.info.setdefault(PENDING_KEY, []).append(row)  # sent after the commit, like a new letter
    return row


def troubled(session: Session, limit: int = 200) -> list[OutboxMessage]:
    """Messages that failed for good, or failed at least once and wait for a retry, newest first."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status == OutboxStatus.FAILED,
                    and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts > 0),
                )
            )
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )
