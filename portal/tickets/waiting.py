"""The requester's side of the wait: after ``REQUESTER_REMIND_DAYS`` working days one reminder,
after ``REQUESTER_CLOSE_DAYS`` a notice and the ticket closes; a reply reopens it
(``service.add_requester_reply``, within ``REOPEN_DAYS`` of the closing).

Each effect is claimed by a conditional UPDATE that names the wait it belongs to (the ticket is
still waiting, since the same ``paused_at``), committed with its letter: two runs at once, or a
run repeated, remind and close once. The scan reads the waiting tickets only
(``ix_ticket_owner_unit_status`` does not lead with status, ``ix_ticket_status_due_at`` does).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.core.calendar import WorkingCalendar
from portal.tickets import notify
from portal.tickets.models import (
    STATUS_CLOSED,
    STATUS_OPEN,
    STATUS_REFUSED,
    STATUS_RESOLVED,
    STATUS_WAITING,
    Ticket,
    TicketEvent,
)
from portal.tickets.workflow import transition


def _waited(calendar: WorkingCalendar, paused_at: datetime, now: datetime) -> float:
    """Working days since the desk started waiting on the requester."""
    return calendar.working_hours_between(paused_at, now) / calendar.hours_per_day


def _same_wait(ticket: Ticket) -> tuple:
    return (Ticket.id == ticket.id, Ticket.status == STATUS_WAITING, Ticket.paused_at == ticket.paused_at)


def run(
    session: Session, *, now: datetime, calendar: WorkingCalendar, remind_days: int, close_days: int
) -> tuple[int, int]:
    """Remind and close what is due at ``now``; return (reminders, closings)."""
    reminded = closed = 0
    query = select(Ticket).where(Ticket.status == STATUS_WAITING, Ticket.paused_at <= now).order_by(Ticket.id)
    for ticket in list(session.scalars(query)):
        paused_at = ticket.paused_at
        if paused_at is None:
            continue
        waited = _waited(calendar, paused_at, now)
        earlier = ticket.requester_reminded_at
        if waited >= close_days:
            closed += _close(session, ticket, paused_at, now, calendar, close_days)
        elif waited >= remind_days and (earlier is None or earlier < paused_at):
            claim = update(Ticket).where(
                *_same_wait(ticket),
                or_(Ticket.requester_reminded_at.is_(None), Ticket.requester_reminded_at < Ticket.paused_at),
            )
            if session.execute(claim.values(requester_reminded_at=now)).rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                continue
            notify.queue_waiting_reminder(session, ticket, remind_days, close_days)
            session.commit()
            reminded += 1
    return reminded, closed


def _close(
    session: Session, ticket: Ticket, paused_at: datetime, now: datetime, calendar: WorkingCalendar, days: int
) -> int:
    """Close the ticket for want of an answer, banking the paused hours as the workflow does."""
    paused = calendar.working_hours_between(paused_at, now)
    values = {
        "status": STATUS_CLOSED,
        "closed_at": now,
        "updated_at": now,
        "paused_at": None,
        "paused_hours": ticket.paused_hours + paused,
        "due_at": calendar.add_working_hours(ticket.due_at, paused) if paused else ticket.due_at,
        "next_alert_at": None,
    }
    claim = update(Ticket).where(*_same_wait(ticket)).values(**values)
    if session.execute(claim).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return 0
    note = _("Ditutup otomatis: tidak ada tanggapan pengguna selama %(days)s hari kerja.", days=days)
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            kind="status",
            public=True,
            author="sistem",
            from_status=STATUS_WAITING,
            to_status=STATUS_CLOSED,
            body=note,
            created_at=now,
        )
    )
    session.flush()
    session.refresh(ticket)
    notify.queue_closed_unanswered(session, ticket, days)
    session.commit()
    return 1


def closed_unanswered(ticket: Ticket) -> bool:
    """Tell whether the ticket closed while the desk waited on the requester (never resolved, not merged)."""
    return ticket.status == STATUS_CLOSED and ticket.resolved_at is None and ticket.merged_into_id is None


def reply_refusal(ticket: Ticket, now: datetime, window: float) -> str | None:
    """Say why the requester's reply cannot be taken, or None when it can (see ``reply_reopens``)."""
    if ticket.status == STATUS_REFUSED:
        # Catalog C, BMSM.01 "Batasan": a broadcast without the service manager's approval is
        # not part of the service. The refusal is final (no transition leaves it): no reply reopens it.
        return _(
            "Permintaan broadcast ini tidak disetujui pengelola layanan HAI-DJPb, sehingga tidak dapat dibalas. "
            "Bila ada perubahan, ajukan permintaan baru dengan menyebut nomor tiket ini."
        )
    if not reply_reopens(ticket, now, window):
        return _("Tiket ini sudah ditutup. Silakan ajukan permintaan baru dengan menyebut nomor tiket ini.")
    return None


def reply_reopens(ticket: Ticket, now: datetime, window: float) -> bool:
    """Tell whether the requester may still reply: not refused, not closed (unless closed unanswered
    within ``window`` days, which the reply reopens), not resolved more than ``window`` days ago."""
    if ticket.status == STATUS_REFUSED:
        return False
    if ticket.status == STATUS_CLOSED:
        return bool(closed_unanswered(ticket) and ticket.closed_at and now - ticket.closed_at <= timedelta(days=window))
    return not (
        ticket.status == STATUS_RESOLVED and ticket.resolved_at and now - ticket.resolved_at > timedelta(days=window)
    )


def reopen(ticket: Ticket, calendar: WorkingCalendar, now: datetime) -> None:
    """The requester answered a ticket closed unanswered, in time: it is open again, the clock runs."""
    note = _("Dibuka kembali oleh pengguna.")
    transition(ticket, STATUS_OPEN, actor_id=None, calendar=calendar, now=now, author="pengguna", note=note)
