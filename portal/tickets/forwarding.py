"""Tracked forwarding to a linked unit of section F (G.3 c.2): sent, acknowledged, answered.

Forwarding records the date sent, the channel and, as they come, the unit's own reference, its
acknowledgement and its answer. While the desk waits, the ticket is "Diteruskan"; the norma waktu
keeps running (README, "Routing"): the catalog pauses nothing but the wait on the requester.
The answer puts the ticket back in "Diproses". A forward nobody acknowledged after
``FORWARD_REMIND_DAYS`` working days reminds the assignee once (``remind_unacknowledged``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.auth import ROLE_LEAD
from portal.auth import service as accounts
from portal.catalog.models import Catalog
from portal.core.calendar import WorkingCalendar
from portal.core.i18n import desk_language
from portal.core.timefmt import format_wib
from portal.tickets import notify
from portal.tickets.models import STATUS_NEW, STATUS_OPEN, Ticket, TicketEvent, TicketStatus
from portal.tickets.routing_models import TicketForward
from portal.tickets.workflow import transition

log = logging.getLogger(__name__)
FORWARDABLE = (STATUS_NEW, STATUS_OPEN)


class ForwardError(ValueError):
    """A forward cannot be recorded; the message is for staff."""


def unit_choices(catalog: Catalog, code: str) -> tuple[list[str], list[str]]:
    """The linked units of section F: those the catalog links to ``code`` first, then the others."""
    suggested = [u.name for u in catalog.linked_units_for(code)]
    return suggested, [u.name for u in catalog.linked_units if u.name not in suggested]


def forwards(session: Session, ticket: Ticket) -> list[TicketForward]:
    """Every forward of a ticket, oldest first."""
    query = select(TicketForward).where(TicketForward.ticket_id == ticket.id).order_by(TicketForward.id)
    return list(session.scalars(query))


def forward(
    session: Session,
    ticket: Ticket,
    *,
    catalog: Catalog,
    unit: str,
    channel: str,
    sent_at: datetime,
    their_reference: str,
    actor_id: int | None,
    now: datetime,
) -> TicketForward:
    """Record that the request went to ``unit``; the ticket becomes "Diteruskan"."""
    if unit not in {u.name for u in catalog.linked_units}:
        raise ForwardError(_("Pilih unit terkait dari bagian F katalog."))
    if ticket.status not in FORWARDABLE or ticket.merged_into_id is not None:
        raise ForwardError(_("Hanya tiket berstatus Baru atau Diproses yang dapat diteruskan."))
    if sent_at > now:
        raise ForwardError(_("Tanggal kirim tidak boleh di masa depan."))
    channel = " ".join(channel.split())[:60]
    if not channel:
        raise ForwardError(_("Isi kanal penerusan."))
    row = TicketForward(
        ticket_id=ticket.id,
        unit=unit,
        channel=channel,
        sent_at=sent_at,
        their_reference=their_reference.strip()[:120],
        answer="",
        actor_id=actor_id,
        created_at=now,
    )
    session.add(row)
    with desk_language():  # the thread's record, read later by staff and the requester
        forwarded = _("Diteruskan ke %(unit)s pada %(when)s.", unit=unit, when=format_wib(sent_at))
    ticket.events.append(
        TicketEvent(
            kind="status",
            public=True,
            author="staf",
            actor_id=actor_id,
            from_status=ticket.status,
            to_status=TicketStatus.FORWARDED,
            body=forwarded,
            created_at=now,
        )
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="ticket.forward",
        object_type="ticket",
        object_id=ticket.reference,
        before={"status": ticket.status},
        after={"status": TicketStatus.FORWARDED, "unit": unit, "channel": channel, "sent_at": sent_at},
    )
    ticket.status, ticket.updated_at = TicketStatus.FORWARDED, now
    session.commit()
    return row


def update_forward(
    session: Session,
    ticket: Ticket,
    forward_id: int,
    *,
    their_reference: str,
    acknowledged_at: datetime | None,
    answer: str,
    actor_id: int | None,
    calendar: WorkingCalendar,
    now: datetime,
) -> TicketForward:
    """Record the unit's reference, acknowledgement and answer; an answer puts the ticket back in "Diproses"."""
    row = session.get(TicketForward, forward_id)
    if row is None or row.ticket_id != ticket.id:
        raise ForwardError(_("Penerusan tidak ditemukan."))
    sent_day = row.sent_at.astimezone(calendar.tz).date()  # the day as staff wrote it, in the desk's zone
    if acknowledged_at is not None and not (
        sent_day <= acknowledged_at.astimezone(calendar.tz).date() and acknowledged_at <= now
    ):
        raise ForwardError(_("Tanggal konfirmasi harus di antara tanggal kirim dan sekarang."))
    old = {"their_reference": row.their_reference, "acknowledged_at": row.acknowledged_at, "answered": bool(row.answer)}
    old["status"] = ticket.status
    row.their_reference = their_reference.strip()[:120] or row.their_reference
    if acknowledged_at is not None and row.acknowledged_at is None:
        row.acknowledged_at = acknowledged_at
    answer = answer.strip()[:10000]
    if answer and row.answered_at is None:
        row.answer, row.answered_at = answer, now
        row.acknowledged_at = row.acknowledged_at or now  # an answer acknowledges too
        if ticket.status == TicketStatus.FORWARDED:
            note = _("Jawaban %(unit)s diterima.", unit=row.unit)
            transition(ticket, STATUS_OPEN, actor_id=actor_id, calendar=calendar, now=now, note=note)
    ticket.updated_at = now
    new = {"their_reference": row.their_reference, "acknowledged_at": row.acknowledged_at, "answered": bool(row.answer)}
    new["status"] = ticket.status
    before, after = audit.changed(old, new)
    if after:
        audit.record(
            session,
            actor_id=actor_id,
            action="ticket.forward_update",
            object_type="ticket",
            object_id=ticket.reference,
            before=before,
            after=after,
            summary=row.unit,
        )
    session.commit()
    return row


def due_for_reminder(session: Session, *, now: datetime, calendar: WorkingCalendar, days: float) -> list[int]:
    """Ids of the forwards still unacknowledged after ``days`` working days, never reminded."""
    query = (
        select(TicketForward)
        .join(Ticket, Ticket.id == TicketForward.ticket_id)
        .where(
            TicketForward.acknowledged_at.is_(None),
            TicketForward.reminded_at.is_(None),
            Ticket.status == TicketStatus.FORWARDED,
        )
    )
    limit = days * calendar.hours_per_day
    return [f.id for f in session.scalars(query) if calendar.working_hours_between(f.sent_at, now) >= limit]


def remind_unacknowledged(session: Session, *, now: datetime, calendar: WorkingCalendar, days: float) -> int:
    """Remind the assignee (else the unit's leads) of each unacknowledged forward, once; return how many.

    Each forward is claimed by a conditional update before its e-mail goes out, and the claim
    commits with the queued e-mails: two runs at once remind it once, and a second run finds nothing to do.
    """
    sent = 0
    for forward_id in due_for_reminder(session, now=now, calendar=calendar, days=days):
        claim = (
            update(TicketForward)
            .where(TicketForward.id == forward_id, TicketForward.reminded_at.is_(None))
            .values(reminded_at=now)
        )
        if session.execute(claim).rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            continue
        row = session.get(TicketForward, forward_id)
        ticket = session.get(Ticket, row.ticket_id) if row else None
        if row is None or ticket is None:
            session.rollback()
            continue
        assignee = accounts.account(session, ticket.assignee_id) if ticket.assignee_id else None
        people = [assignee] if assignee is not None and assignee.active else []
        people = people or [u for u in accounts.unit_accounts(session, ticket.owner_unit, [ROLE_LEAD]) if u.active]
        for person in people:
            notify.queue_forward_reminder(session, ticket, person.email, person.name, row.unit, row.sent_at)
        if not people:
            log.warning("forward %s of %s: nobody to remind", row.id, ticket.reference)
        session.commit()
        sent += 1
    return sent
