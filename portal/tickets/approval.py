"""BMSM.01's approval step: a broadcast is fulfilled only once the service manager approves it.

The catalog's Batasan for BMSM.01 excludes "permintaan broadcast yang tidak memperoleh
persetujuan dari pengelola layanan HAI-DJPb". A broadcast request therefore starts in its own
state, Menunggu Persetujuan, with the working-hours clock standing (the pause of the workflow).
The service manager (a lead or an administrator) approves it, which starts the 8 jam kerja
from that moment (the pause is banked and the due time pushed), or refuses it with a reason.
Either way the requester is told by e-mail. The reading is stated on the consistency report
(``[[readings]]`` of ``portal/catalog/amandemen-2023.0.toml``).
"""

from __future__ import annotations

from datetime import datetime

from portal.core.calendar import WorkingCalendar
from portal.tickets.models import STATUS_AWAITING_APPROVAL, STATUS_OPEN, STATUS_REFUSED, Ticket, TicketEvent
from portal.tickets.workflow import APPROVALS, WorkflowError, transition

NEEDS_APPROVAL = frozenset({"BMSM.01"})  # service codes whose requests wait for approval


def initial_state(service_code: str, now: datetime) -> dict:
    """The columns a new ticket of ``service_code`` starts with: awaiting approval, clock standing."""
    if service_code not in NEEDS_APPROVAL:
        return {}
    return {"status": STATUS_AWAITING_APPROVAL, "paused_at": now}


def decide(
    ticket: Ticket, *, approve: bool, reason: str, actor_id: int, calendar: WorkingCalendar, now: datetime
) -> TicketEvent:
    """Approve (the norm's clock starts now) or refuse with a reason; raise ``WorkflowError`` otherwise."""
    if ticket.status != STATUS_AWAITING_APPROVAL:
        raise WorkflowError("Tiket ini tidak sedang menunggu persetujuan.")
    to_status = STATUS_OPEN if approve else STATUS_REFUSED
    return transition(
        ticket, to_status, actor_id=actor_id, calendar=calendar, now=now, note=reason, table=APPROVALS
    )
