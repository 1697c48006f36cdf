"""Norma-waktu alerts: at 75 % of the norm the assignee (else the unit's staff), at 100 % the
assignee and the unit's leads; each recorded on the ticket and sent once.

The moments are worked out at run time from today's calendar (received + share of the norm +
the hours banked while waiting on the requester), so a holiday or closure announced after the
ticket arrived moves an alert that is still pending. ``next_alert_at`` (indexed) is when the job
must next look at a ticket: a new ticket starts with its receipt time, a transition or a
re-categorisation sets it to "now" (look again), a paused or finished ticket has none. The scan
is one index range ``next_alert_at <= now``: it grows with the tickets that are due.
While the desk waits on the requester the ticket has no ``next_alert_at``: no alert falls due.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.auth import ROLE_AGENT, ROLE_LEAD, User
from portal.auth import service as accounts
from portal.catalog.models import Catalog
from portal.core.calendar import WorkingCalendar
from portal.core.timefmt import format_wib
from portal.mail import service as mail
from portal.tickets.models import Ticket, TicketStatus
from portal.tickets.notify import staff_link

log = logging.getLogger(__name__)
# The statuses in which the next step is the desk's: the clock runs and alerts can fall due.
ALERTING = tuple(s for s in TicketStatus if s.desk_owes_reply)
BATCH = 500


def moments(ticket: Ticket, norm: float, calendar: WorkingCalendar) -> tuple[datetime, datetime]:
    """The 75 % and 100 % moments on today's calendar, the requester's waits added."""
    start, banked = ticket.received_at, ticket.paused_hours or 0.0
    return (
        calendar.add_working_hours(start, 0.75 * norm + banked),
        calendar.add_working_hours(start, norm + banked),
    )


def _recipients(session: Session, ticket: Ticket, level: int) -> list[User]:
    assignee = accounts.account(session, ticket.assignee_id) if ticket.assignee_id else None
    people = [assignee] if assignee is not None and assignee.active else []
    if not people:  # nobody assigned: the unit's staff
        people = accounts.unit_accounts(session, ticket.owner_unit, [ROLE_AGENT, ROLE_LEAD])
    if level == 100:
        people += accounts.unit_accounts(session, ticket.owner_unit, [ROLE_LEAD])
    unique = {p.id: p for p in people if p.active}
    return list(unique.values())


def _queue(session: Session, ticket: Ticket, level: int, due: datetime, link: str) -> list[User]:
    people = _recipients(session, ticket, level)
    subject = _("%(share)s norma waktu terpakai", share="75%") if level == 75 else _("Lewat norma waktu")
    for person in people:
        mail.enqueue(
            session,
            to=person.email,
            subject=f"[{ticket.reference}] {subject}",
            template="norm_alert",
            context={"name": person.name, "ticket": ticket, "level": level, "due": format_wib(due), "link": link},
            auto=True,
        )
    if not people:
        log.warning("norm alert %s%% of %s: nobody in %s", level, ticket.reference, ticket.owner_unit)
    return people


def _claim(session: Session, ticket: Ticket, level: int, now: datetime, next_at: datetime | None) -> bool:
    """Record the alert by a conditional UPDATE: of two runs at once, one gets it."""
    column = Ticket.alert75_at if level == 75 else Ticket.alert100_at
    values: dict = {column.key: now, "next_alert_at": next_at}
    if level == 100:  # both crossed in one run (e.g. the job was down): the 100 % alert says it all
        values["alert75_at"] = ticket.alert75_at or now
    claim = update(Ticket).where(Ticket.id == ticket.id, column.is_(None)).values(**values)
    return session.execute(claim).rowcount == 1  # type: ignore[attr-defined]


def send_due(
    session: Session, *, now: datetime, catalog: Catalog, calendar: WorkingCalendar
) -> tuple[int, int]:
    """Send every alert that is due at ``now``, once; return (75 % alerts, 100 % alerts).
    """
    sent = [0, 0]
    query = select(Ticket.id).where(Ticket.next_alert_at <= now).order_by(Ticket.next_alert_at).limit(BATCH)
    while ids := list(session.scalars(query)):
        for ticket_id in ids:
            level = _one(session, ticket_id, now, catalog, calendar)
            if level:
                sent[level == 100] += 1
        if len(ids) < BATCH:
            break
    return sent[0], sent[1]


def _one(session: Session, ticket_id: int, now: datetime, catalog: Catalog, calendar: WorkingCalendar) -> int:
    ticket = session.get(Ticket, ticket_id)
    service = catalog.service_of(ticket.code) if ticket is not None and ticket.code else None
    if ticket is None or service is None or ticket.status not in ALERTING or ticket.alert100_at is not None:
        # Nothing more to alert (finished, paused, not yet coded): off the scan until a change.
        session.execute(update(Ticket).where(Ticket.id == ticket_id).values(next_alert_at=None))
        session.commit()
        return 0
    at75, at100 = moments(ticket, service.max_hours, calendar)
    if now >= at100:
        level, next_at, due = 100, None, at100
    elif now >= at75 and ticket.alert75_at is None:
        level, next_at, due = 75, at100, at100
    else:  # not yet (or a holiday moved it): look again at the next pending moment
        pending = at75 if ticket.alert75_at is None else at100
        session.execute(update(Ticket).where(Ticket.id == ticket_id).values(next_alert_at=pending))
        session.commit()
        return 0
    if not _claim(session, ticket, level, now, next_at):
        session.rollback()
        return 0
    session.refresh(ticket)  # the claim's columns, for the letter
    _queue(session, ticket, level, due, staff_link(ticket))
    session.commit()  # the record and its letters together
    return level
