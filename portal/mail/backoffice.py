"""What staff do with incoming mail: triage, held replies, and the administrators' quarantine.

Every action reads the stored row, acts, and commits once; a row already handled (another
staff member was quicker, or the form was sent twice) is refused with a message, never acted
on twice.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from datetime import datetime
from email import policy
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.core.calendar import WorkingCalendar
from portal.mail import inbound, parse, replies
from portal.mail.models import InboundMessage, InboundStatus
from portal.tickets import service as tickets
from portal.tickets import triage
from portal.tickets.service import Ticket

NEEDS_ADMIN = (InboundStatus.QUARANTINE, InboundStatus.IGNORED, InboundStatus.OVERSIZED)
LIST_LIMIT = 200


class MailActionError(ValueError):
    """An action on a stored message cannot be done; the message is for staff."""


@dataclass(frozen=True)
class Context:
    """What re-running a message needs: the settings and clock of this application."""

    settings: inbound.Settings
    calendar: WorkingCalendar
    catalog_version: str
    now: datetime


def suggested_code(search: Any, ticket: Ticket) -> str | None:
    """The catalog code of the best knowledge-base match for the subject and body (never applied)."""
    text = " ".join(f"{ticket.subject} {ticket.detail}".split())[:200]
    if not text:
        return None
    try:
        result = search.search(text, per_page=5)
    except ValueError:  # a query the search refuses: no suggestion
        return None
    return next((hit.codes[0] for hit in result.hits if hit.codes), None)


def admin_list(session: Session) -> list[InboundMessage]:
    """Messages an administrator must look at: quarantined, ignored robots, oversized; newest first."""
    query = (
        select(InboundMessage)
        .where(InboundMessage.status.in_(NEEDS_ADMIN), InboundMessage.handled_at.is_(None))
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(LIST_LIMIT)
    )
    return list(session.scalars(query))


def held_for(session: Session, units: list[str]) -> list[tuple[InboundMessage, Ticket]]:
    """Held messages on tickets of these units (or still in triage), oldest first, with their tickets."""
    query = (
        select(InboundMessage)
        .where(InboundMessage.status == InboundStatus.HELD, InboundMessage.handled_at.is_(None))
        .order_by(InboundMessage.received_at.asc(), InboundMessage.id.asc())
        .limit(LIST_LIMIT)
    )
    held = list(session.scalars(query))
    found = triage.by_references(session, [r.ticket_reference for r in held if r.ticket_reference])
    pairs = [(row, found.get(row.ticket_reference or "")) for row in held]
    return [(row, t) for row, t in pairs if t is not None and (t.owner_unit in units or triage.in_triage(t))]


def preview(row: InboundMessage) -> str:
    """The text of a stored message as staff should read it (best effort for broken ones)."""
    try:
        return parse.parse(row.raw or b"").reply
    except parse.Unparseable:
        return parse.clean_text((row.raw or b"")[:20000].decode("utf-8", errors="replace"))


def _row(session: Session, inbound_id: int, statuses: tuple[InboundStatus, ...]) -> InboundMessage:
    row = session.get(InboundMessage, inbound_id, with_for_update=True)
    if row is None or row.status not in statuses or row.handled_at is not None or row.raw is None:
        raise MailActionError(_("Pesan ini sudah ditangani atau tidak ada."))
    return row


def accept_held(session: Session, inbound_id: int, staff_id: int, units: list[str], ctx: Context) -> Ticket:
    """Add a held message to its ticket's thread, naming who sent it; the ticket reopens as for a reply."""
    row = _row(session, inbound_id, (InboundStatus.HELD,))
    ticket = tickets.find(session, row.ticket_reference or "")
    if ticket is None or not (ticket.owner_unit in units or triage.in_triage(ticket)):
        raise MailActionError(_("Pesan ini sudah ditangani atau tidak ada."))
    parsed = parse.parse(row.raw or b"")
    uploads, _refused = replies.checked_attachments(parsed, *ctx.settings.attachment_limits)
    body = _("Dikirim oleh %(sender)s (diterima petugas):", sender=parsed.sender) + "\n\n" + parsed.reply
    row.status, row.raw, row.handled_at, row.handled_by = InboundStatus.APPENDED, None, ctx.now, staff_id
    try:
        tickets.add_requester_reply(
            session,
            ticket,
            body,
            uploads,
            ctx.settings.upload_dir,
            ctx.now,
            ctx.calendar,
            window=ctx.settings.reopen_days,
        )
    except tickets.TicketError as exc:
        session.rollback()
        raise MailActionError(str(exc)) from exc
    return ticket


def reject_held(session: Session, inbound_id: int, staff_id: int, units: list[str], now: datetime) -> None:
    """Leave a held message out of the thread (it stays on record, without its content)."""
    row = _row(session, inbound_id, (InboundStatus.HELD,))
    ticket = tickets.find(session, row.ticket_reference or "")
    if ticket is None or not (ticket.owner_unit in units or triage.in_triage(ticket)):
        raise MailActionError(_("Pesan ini sudah ditangani atau tidak ada."))
    row.raw, row.handled_at, row.handled_by = None, now, staff_id
    row.detail = _("Ditolak oleh petugas.")
    session.commit()


def retry(session: Session, inbound_id: int, staff_id: int, ctx: Context) -> inbound.Outcome:
    """Read a quarantined message again ("coba lagi"); it stays in quarantine if it still fails."""
    row = _row(session, inbound_id, (InboundStatus.QUARANTINE,))
    raw = row.raw or b""
    try:
        parsed = parse.parse(raw)
    except parse.Unparseable as exc:
        session.rollback()
        raise MailActionError(_("Pesan masih tidak dapat dibaca: %(error)s", error=str(exc))) from exc
    session.delete(row)  # replaced, in the same transaction, by the row of what it now makes
    session.flush()
    key = inbound.dedupe_key(parsed.message_id, raw)
    try:
        job = inbound.Job(session, key, parsed, raw, ctx.settings, ctx.calendar, ctx.catalog_version, ctx.now)
        return inbound.handle(job)
    except IntegrityError as exc:
        session.rollback()
        raise MailActionError(_("Pesan yang sama sudah tersimpan sebelumnya.")) from exc


def make_ticket(session: Session, inbound_id: int, staff_id: int, ctx: Context) -> Ticket:
    """Open a triage ticket from a quarantined or ignored message ("buat tiket"); no automatic reply."""
    row = _row(session, inbound_id, (InboundStatus.QUARANTINE, InboundStatus.IGNORED))
    raw = row.raw or b""
    try:
        parsed = parse.parse(raw)
        mail = triage.NewMailTicket(parsed.subject, parsed.text[:20000], parsed.sender_name, parsed.sender)
        uploads, _refused = replies.checked_attachments(parsed, *ctx.settings.attachment_limits)
    except parse.Unparseable:
        headers = email.message_from_bytes(raw, policy=policy.compat32)  # lenient: whatever can be read
        name, address = email.utils.parseaddr(str(headers.get("From", "")))
        text = preview(row)
        mail = triage.NewMailTicket(parse.clean_text(str(headers.get("Subject", "")))[:200], text, name, address)
        uploads = []
    ticket, _token = triage.create_uncategorised(
        session,
        mail,
        calendar=ctx.calendar,
        catalog_version=ctx.catalog_version,
        uploads=uploads,
        upload_dir=ctx.settings.upload_dir,
        channel=inbound.CHANNEL,
        now=ctx.now,
    )
    row.status, row.ticket_reference = InboundStatus.TICKET, ticket.reference
    row.handled_at, row.handled_by = ctx.now, staff_id  # the raw bytes stay, nothing is lost
    session.commit()
    return ticket
