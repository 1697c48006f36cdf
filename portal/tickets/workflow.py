"""The ticket workflow as a table of allowed transitions, and the working-hours clock.

Baru → Diproses → Menunggu Pengguna (the clock pauses) → Diproses … → Selesai → Ditutup,
with reopening. A broadcast (BMSM.01) starts at Menunggu Persetujuan (the clock stands) and the
service manager moves it to Diproses or Ditolak (``APPROVALS``, ``portal/tickets/approval.py``).
Every change writes an event with its actor and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.calendar import WorkingCalendar
from portal.tickets.models import (
    STATUS_AWAITING_APPROVAL,
    STATUS_CLOSED,
    STATUS_NEW,
    STATUS_OPEN,
    STATUS_REFUSED,
    STATUS_RESOLVED,
    STATUS_WAITING,
    Ticket,
    TicketEvent,
    TicketStatus,
)

TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    STATUS_NEW: frozenset({STATUS_OPEN, STATUS_WAITING, STATUS_RESOLVED}),
    STATUS_OPEN: frozenset({STATUS_WAITING, STATUS_RESOLVED}),
    STATUS_WAITING: frozenset({STATUS_OPEN, STATUS_RESOLVED}),
    STATUS_RESOLVED: frozenset({STATUS_CLOSED, STATUS_OPEN}),
    STATUS_CLOSED: frozenset({STATUS_OPEN}),
    # Entered only by forwarding to a linked unit (``forwarding.forward``), which records the forward.
    TicketStatus.FORWARDED: frozenset({STATUS_OPEN, STATUS_RESOLVED}),
    # Only the service manager decides on a broadcast awaiting approval (APPROVALS, tickets.approval).
    STATUS_AWAITING_APPROVAL: frozenset(),
    STATUS_REFUSED: frozenset(),
}
APPROVALS: dict[TicketStatus, frozenset[TicketStatus]] = {
    STATUS_AWAITING_APPROVAL: frozenset({STATUS_OPEN, STATUS_REFUSED}),
}

# The steps the requester sees (Diterima → Diproses → Menunggu tanggapan Anda → Selesai) and
# which one each status is; anything else (resolved, closed, refused) is the last step.
REQUESTER_STEPS = (_l("Diterima"), _l("Diproses"), _l("Menunggu tanggapan Anda"), _l("Selesai"))
_STEP_OF = {STATUS_NEW: 0, STATUS_AWAITING_APPROVAL: 0, STATUS_OPEN: 1, TicketStatus.FORWARDED: 1, STATUS_WAITING: 2}


def requester_step(status: TicketStatus) -> int:
    """The index in ``REQUESTER_STEPS`` of the step a ticket in ``status`` is at."""
    return _STEP_OF.get(status, len(REQUESTER_STEPS) - 1)


# Section G.3: how a request is fulfilled. The last two involve a linked unit (section F).
FULFILMENTS = {
    "informasi": _l("Informasi disediakan"),
    "solusi": _l("Solusi/penjelasan disediakan"),
    "dokumentasi": _l("Permintaan/perubahan layanan didokumentasikan"),
    "diteruskan": _l("Diteruskan ke unit eksternal terkait"),
    "diarahkan": _l("Pengguna diarahkan ke unit eksternal terkait"),
}
NEEDS_UNIT = {"diteruskan", "diarahkan"}


class WorkflowError(ValueError):
    """A transition is not allowed; the message is for staff."""


@dataclass(frozen=True)
class Clock:
    """The SLA panel: working hours used and left, and whether the norm is breached."""

    elapsed: float
    remaining: float
    norm: float
    breached: bool
    paused: bool


def clock(ticket: Ticket, calendar: WorkingCalendar, norm_hours: float, now: datetime) -> Clock:
    """Working hours since receipt, minus time spent waiting on the requester."""
    end = ticket.resolved_at or now
    waiting = ticket.paused_hours
    if ticket.paused_at is not None:
        waiting += calendar.working_hours_between(ticket.paused_at, end)
    elapsed = max(0.0, calendar.working_hours_between(ticket.received_at, end) - waiting)
    return Clock(
        round(elapsed, 2),
        round(max(0.0, norm_hours - elapsed), 2),
        norm_hours,
        elapsed > norm_hours,
        ticket.paused_at is not None,
    )


class Received(Protocol):
    """What ``resolution_hours`` reads: a ticket, or a row of its columns."""

    @property
    def received_at(self) -> datetime:
        """When the request was received."""
        ...

    @property
    def paused_hours(self) -> float | None:
        """Working hours banked while waiting for the requester."""
        ...


def resolution_hours(ticket: Received, calendar: WorkingCalendar, resolved_at: datetime) -> float:
    """Working hours from receipt to ``resolved_at`` minus the banked pause (as ``clock`` rounds them)."""
    elapsed = calendar.working_hours_between(ticket.received_at, resolved_at) - (ticket.paused_hours or 0.0)
    return round(max(0.0, elapsed), 2)


def transition(
    ticket: Ticket,
    to_status: str,
    *,
    actor_id: int | None,
    calendar: WorkingCalendar,
    now: datetime,
    linked_units: tuple[str, ...] = (),
    fulfilment: str | None = None,
    unit: str | None = None,
    note: str = "",
    author: str = "staf",
    table: dict[TicketStatus, frozenset[TicketStatus]] = TRANSITIONS,
) -> TicketEvent:
    """Move a ticket to ``to_status`` if the table allows it; keep the clock honest."""
    if to_status not in table.get(ticket.status, frozenset()):
        raise WorkflowError(
            _(
                "Perubahan status dari '%(ticket_status)s' ke '%(to_status)s' tidak diizinkan.",
                ticket_status=ticket.status,
                to_status=to_status,
            )
        )
    if to_status == STATUS_REFUSED and not note.strip():
        raise WorkflowError(_("Tuliskan alasan penolakan; alasan ini dikirim kepada pengguna."))
    if to_status == STATUS_RESOLVED:
        if fulfilment not in FULFILMENTS:
            raise WorkflowError(_("Pilih cara pemenuhan layanan (komponen layanan G.3)."))
        if fulfilment in NEEDS_UNIT and unit not in linked_units:
            raise WorkflowError(_("Pilih unit eksternal yang tercantum pada bagian F untuk kode layanan ini."))
        ticket.fulfilment = fulfilment
        ticket.fulfilment_unit = unit if fulfilment in NEEDS_UNIT else None
        ticket.resolved_at = now
    if ticket.paused_at is not None and to_status != STATUS_WAITING:
        # Leaving "waiting on the requester": bank the paused working hours and push the due time.
        paused = calendar.working_hours_between(ticket.paused_at, now)
        ticket.paused_hours += paused
        ticket.due_at = calendar.add_working_hours(ticket.due_at, paused) if paused else ticket.due_at
        ticket.paused_at = None
    if to_status == STATUS_WAITING:
        ticket.paused_at = now
    if to_status == STATUS_RESOLVED:
        # After banking the pause: the elapsed time the SLA panel shows, kept for the dashboard.
        ticket.resolved_hours = resolution_hours(ticket, calendar, now)
    if to_status == STATUS_OPEN and ticket.status in (STATUS_RESOLVED, STATUS_CLOSED):
        ticket.resolved_at = None
        ticket.closed_at = None
        ticket.fulfilment = ticket.fulfilment_unit = None
        ticket.resolved_hours = None
    if to_status in (STATUS_CLOSED, STATUS_REFUSED):
        ticket.closed_at = now
    event = TicketEvent(
        kind="status",
        public=True,
        author=author,
        actor_id=actor_id,
        from_status=ticket.status,
        to_status=to_status,
        body=note.strip()[:5000],
        created_at=now,
    )
    ticket.status = TicketStatus(to_status)  # what the @validates hook made of the str anyway
    # Norma-waktu alerts (alerts.py): worked out again by the next run; none while paused or done.
    ticket.next_alert_at = now if ticket.status.desk_owes_reply else None
    ticket.updated_at = now
    ticket.events.append(event)
    return event
