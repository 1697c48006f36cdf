"""Mail to the desk: one message in, exactly one effect (a ticket, a reply, a hold, a record).

Both entry points (``flask mail ingest`` on standard input, ``flask mail fetch`` over IMAP) call
``ingest``. The first write of every transaction is the message's ``InboundMessage`` row, whose
``dedupe_key`` is unique: a message handled twice (a retried pipe, two fetch runs on two nodes)
finds it, or loses the race on it, and changes nothing more. Automatic replies go through the
outbox (``portal.mail.service.enqueue``) in the same transaction, never to a robot
(``portal.mail.guards``) and never more than ``MAIL_AUTO_REPLY_PER_HOUR`` times an hour to one
address, which stops loops with another desk's autoresponder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.core.calendar import WorkingCalendar
from portal.core.filestore import FileStore
from portal.mail import guards, parse, replies
from portal.mail import service as outbox
from portal.mail.models import BouncingAddress, InboundMessage, InboundStatus, OutboxMessage
from portal.tickets import service as tickets
from portal.tickets import submit, triage

CHANNEL = "email"  # the catalog's channel key (B.1 b, "e-mail")
BOUNCE_DAYS = 30  # a bounce this recent stops automatic replies to the address
HEAD_BYTES = 64 * 1024  # what is kept of an oversized message: its headers, for the reply
_REFERENCE = re.compile(r"\bHAI-\d{4}-[0-9A-HJKMNP-TV-Z]{8}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    """The limits and places ``ingest`` works with, read once from the application's config."""

    max_bytes: int
    attachment_max_bytes: int
    attachment_max_count: int
    reopen_days: int
    auto_replies_per_hour: int
    upload_dir: FileStore  # where attachments go: the web form's store (FILE_STORE)
    desk_address: str
    token_days: int = 30

    @property
    def attachment_limits(self) -> tuple[int, int]:
        """The web form's limits: bytes per file, files per message."""
        return self.attachment_max_bytes, self.attachment_max_count

    @classmethod
    def of(cls, app: Flask) -> Settings:
        """The settings of ``app`` (README: settings table)."""
        config = app.config
        return cls(
            max_bytes=int(config["MAIL_INBOUND_MAX_BYTES"]),
            attachment_max_bytes=int(config["ATTACHMENT_MAX_BYTES"]),
            attachment_max_count=int(config["ATTACHMENT_MAX_COUNT"]),
            reopen_days=int(config["MAIL_REOPEN_DAYS"]),
            auto_replies_per_hour=int(config["MAIL_AUTO_REPLY_PER_HOUR"]),
            upload_dir=submit.attachment_store(),  # the web form's store (needs an app context)
            desk_address=parseaddr(config["MAIL_SENDER"])[1].lower(),
        )


@dataclass(frozen=True)
class Outcome:
    """What ``ingest`` did with a message; ``duplicate`` when an earlier run already had."""

    status: InboundStatus
    reference: str | None
    inbound_id: int
    duplicate: bool = False
    stored_at: datetime | None = None  # of the earlier run's row, for a duplicate


def dedupe_key(message_id: str | None, raw: bytes) -> str:
    """The identity of a message: its Message-ID when it has one, else its exact bytes."""
    source = f"id:{message_id}".encode() if message_id else b"raw:" + raw
    return hashlib.sha256(source).hexdigest()


def ingest(
    session: Session, raw: bytes, settings: Settings, *, calendar: WorkingCalendar, catalog_version: str, now: datetime
) -> Outcome:
    """Store one message and do what it asks, exactly once; return what became of it."""
    try:
        parsed: parse.Parsed | None = parse.parse(raw)
        error = ""
    except parse.Unparseable as exc:
        parsed, error = None, str(exc)
    key = dedupe_key(parsed.message_id if parsed else None, raw)
    for _attempt in range(3):
        known = session.scalar(select(InboundMessage).where(InboundMessage.dedupe_key == key))
        if known is not None:
            return Outcome(known.status, known.ticket_reference, known.id, duplicate=True, stored_at=known.received_at)
        try:
            if parsed is None:
                row = _record(session, key, None, raw, InboundStatus.QUARANTINE, error, now)
                session.commit()
                return Outcome(row.status, None, row.id)
            return handle(Job(session, key, parsed, raw, settings, calendar, catalog_version, now))
        except IntegrityError:  # another run stored this message first (or a reference collided)
            session.rollback()
    raise RuntimeError("the message could not be stored after three attempts")


def ingest_oversized(session: Session, head: bytes, size: int, settings: Settings, now: datetime) -> Outcome:
    """Record a message over ``MAIL_INBOUND_MAX_BYTES`` by its headers and tell the sender why."""
    try:
        parsed: parse.Parsed | None = parse.parse(head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\n\n")
    except parse.Unparseable:
        parsed = None
    key = dedupe_key(parsed.message_id if parsed else None, head + str(size).encode())
    known = session.scalar(select(InboundMessage).where(InboundMessage.dedupe_key == key))
    if known is not None:
        return Outcome(known.status, known.ticket_reference, known.id, duplicate=True, stored_at=known.received_at)
    limit_mb = settings.max_bytes // (1024 * 1024)
    row = _record(session, key, parsed, head, InboundStatus.OVERSIZED, f"{size} > {settings.max_bytes} bytes", now)
    row.size = size
    if parsed is not None and may_auto_reply(session, parsed, settings, now):
        replies.oversized(session, parsed, limit_mb=limit_mb, size_mb=round(size / (1024 * 1024), 1))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        known = session.scalar(select(InboundMessage).where(InboundMessage.dedupe_key == key))
        if known is None:  # the conflict was not on this message's key: let the caller retry
            raise
        return Outcome(known.status, known.ticket_reference, known.id, duplicate=True, stored_at=known.received_at)
    return Outcome(row.status, None, row.id)


def _record(
    session: Session,
    key: str,
    parsed: parse.Parsed | None,
    raw: bytes,
    status: InboundStatus,
    detail: str,
    now: datetime,
    reference: str | None = None,
) -> InboundMessage:
    row = InboundMessage(
        dedupe_key=key,
        message_id=parsed.message_id if parsed else None,
        sender=parsed.sender if parsed else "",
        subject=parsed.subject if parsed else "",
        status=status,
        ticket_reference=reference,
        raw=raw,
        size=len(raw),
        detail=detail[:2000],
        received_at=now,
    )
    session.add(row)
    session.flush()  # the unique key is taken here: a concurrent run waits, then fails
    return row


def may_auto_reply(session: Session, parsed: parse.Parsed, settings: Settings, now: datetime) -> bool:
    """Tell whether an automatic reply may go to this sender now (guards, loop cap, bounces)."""
    if guards.no_reply_reason(parsed) or parsed.sender == settings.desk_address:
        return False
    bounced = select(BouncingAddress.id).where(
        BouncingAddress.address == parsed.sender, BouncingAddress.created_at >= now - timedelta(days=BOUNCE_DAYS)
    )
    if session.scalar(bounced.limit(1)):
        return False
    recent = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            func.lower(OutboxMessage.to_addr) == parsed.sender,
            OutboxMessage.auto.is_(True),
            OutboxMessage.created_at >= now - timedelta(hours=1),
        )
    )
    return (recent or 0) < settings.auto_replies_per_hour


def thread_ticket(session: Session, parsed: parse.Parsed) -> tickets.Ticket | None:
    """The ticket a message answers: by its In-Reply-To/References, else by a reference in the subject."""
    reference = outbox.reference_for_message_ids(session, [f"<{i}>" for i in parsed.references])
    if reference is None:
        for found in _REFERENCE.findall(parsed.subject):
            if (ticket := tickets.find(session, found)) is not None:
                return ticket
        return None
    return tickets.find(session, reference)


@dataclass(frozen=True)
class Job:
    """One readable message being handled, with what handling it needs."""

    session: Session
    key: str
    parsed: parse.Parsed
    raw: bytes
    settings: Settings
    calendar: WorkingCalendar
    catalog_version: str
    now: datetime

    def record(self, status: InboundStatus, detail: str = "", reference: str | None = None) -> InboundMessage:
        """Take the message's key in this transaction (see ``_record``)."""
        return _record(self.session, self.key, self.parsed, self.raw, status, detail, self.now, reference)


def handle(job: Job) -> Outcome:
    """Do what a readable message asks (report, hold, note, ignore, reply, new ticket) and commit."""
    parsed, session = job.parsed, job.session
    if parsed.bounce is not None:
        return _bounce(job, parsed.bounce)
    ticket = thread_ticket(session, parsed)
    reason = guards.no_reply_reason(parsed)
    if ticket is not None and parsed.sender != ticket.requester_email.lower():
        row = job.record(InboundStatus.HELD, "", ticket.reference)
        held = _(
            "Surel dari %(sender)s menyebut tiket ini dan ditahan: petugas menerima atau menolaknya.",
            sender=parsed.sender,
        )
        triage.add_system_note(ticket, held, job.now)
    elif ticket is not None and reason:  # the requester's out-of-office: on record, no reopening
        row = job.record(InboundStatus.APPENDED, reason, ticket.reference)
        row.raw = None
        triage.add_system_note(
            ticket,
            _("Pesan otomatis dari pemohon (%(reason)s):", reason=reason) + "\n\n" + parsed.reply[:4000],
            job.now,
        )
    elif reason:
        row = job.record(InboundStatus.IGNORED, reason)
    elif ticket is not None:
        return _append(job, ticket)
    else:
        return _create(job, job.record(InboundStatus.TICKET))
    session.commit()
    return Outcome(row.status, row.ticket_reference, row.id)


def _append(job: Job, ticket: tickets.Ticket) -> Outcome:
    session, parsed = job.session, job.parsed
    row = job.record(InboundStatus.APPENDED, "", ticket.reference)
    row.raw = None
    uploads, refused = replies.checked_attachments(parsed, *job.settings.attachment_limits)
    if parsed.message_id:
        outbox.remember_message(session, f"<{parsed.message_id}>", ticket.reference, "in")
    try:
        tickets.add_requester_reply(
            session,
            ticket,
            parsed.reply or _("(surel tanpa teks)"),  # an empty reply is still a reply, not a closed ticket
            uploads,
            job.settings.upload_dir,
            job.now,
            job.calendar,
            window=job.settings.reopen_days,
        )
    except tickets.TicketError:  # closed, or resolved too long ago: a new request that names it
        session.rollback()
        return _create(job, job.record(InboundStatus.TICKET), follows=ticket.reference)
    if refused and may_auto_reply(session, parsed, job.settings, job.now):
        replies.refused(session, parsed, ticket, refused)
        session.commit()
    return Outcome(row.status, ticket.reference, row.id)


def _create(job: Job, row: InboundMessage, follows: str = "") -> Outcome:
    session, parsed = job.session, job.parsed
    uploads, refused = replies.checked_attachments(parsed, *job.settings.attachment_limits)
    detail = parsed.text if not follows else _("(Lanjutan tiket %(ref)s)", ref=follows) + "\n\n" + parsed.reply
    mail = triage.NewMailTicket(parsed.subject, detail[:20000], parsed.sender_name, parsed.sender)
    ticket, token = triage.create_uncategorised(
        session,
        mail,
        calendar=job.calendar,
        catalog_version=job.catalog_version,
        uploads=uploads,
        upload_dir=job.settings.upload_dir,
        channel=CHANNEL,
        now=job.now,
        token_days=job.settings.token_days,
    )
    row.ticket_reference, row.raw = ticket.reference, None
    if parsed.message_id:
        outbox.remember_message(session, f"<{parsed.message_id}>", ticket.reference, "in")
    if may_auto_reply(session, parsed, job.settings, job.now):
        replies.received(session, ticket, token, refused)
    session.commit()
    return Outcome(row.status, ticket.reference, row.id)


def _bounce(job: Job, bounce: parse.Bounce) -> Outcome:
    session = job.session
    reference = outbox.reference_for_message_ids(session, [f"<{i}>" for i in bounce.original_ids])
    ticket = tickets.find(session, reference) if reference else None
    row = job.record(InboundStatus.REPORT, bounce.diagnostic, reference)
    row.raw = None
    for address in bounce.recipients:
        session.add(BouncingAddress(address=address, ticket_reference=reference, diagnostic=bounce.diagnostic))
        if ticket is not None:
            why = bounce.diagnostic
            triage.add_system_note(
                ticket,
                _("Surel ke %(address)s tidak terkirim (alamat memantul): %(why)s", address=address, why=why),
                job.now,
            )
    session.commit()
    return Outcome(row.status, reference, row.id)
