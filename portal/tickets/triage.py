"""Tickets without a catalog code yet (mail to the desk), and staff giving them one.

A ticket in triage has an empty ``code``, ``service_code`` and ``owner_unit`` and user type 0
("not known yet"): no unit's queue lists it, the dashboard counts it under no service, and
the triage queue (``portal.mail``) is where staff find it. The catalog gives no norma waktu
before a code is set, so its due time is the start of the clock itself: receipt, or the next
opening when the mail came outside working hours (section C.3). Setting the code recomputes
the due time from that same start with the code's norma waktu (plus any hours it waited on the
requester), so time spent in triage counts against the desk, not in its favour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.catalog.models import Catalog
from portal.core.calendar import WorkingCalendar
from portal.core.filestore import FileStore
from portal.core.i18n import desk_language
from portal.tickets import attachments as files
from portal.tickets import routing
from portal.tickets.models import OPEN_STATUSES, STATUS_NEW, Ticket, TicketEvent
from portal.tickets.service import (
    SEGREGATED,
    TicketError,
    _attach,
    check_eligibility,
    hash_token,
    known_service,
    new_reference,
    new_token,
)
from portal.tickets.types import RequestType

UNKNOWN_USER_TYPE = 0
TRIAGE_REQUEST_TYPE = "surel"


@dataclass(frozen=True)
class NewMailTicket:
    """What a mail says about the request it makes."""

    subject: str
    detail: str
    name: str
    email: str


# A channel that knows which code the requester chose (the web chat's start form) tells triage
# through a hint: (session, ticket) -> that code, or None. Hints are registered by the channel's
# own package, so triage needs to know no channel.
NamedCode = Callable[[Session, Ticket], str | None]


def add_named_code_hint(app: Flask, hint: NamedCode) -> None:
    """Let ``hint`` tell triage the code a requester chose on a channel of its own."""
    app.extensions.setdefault("triage_named_code", []).append(hint)


def named_code(session: Session, ticket: Ticket) -> str | None:
    """The code the requester chose when they wrote, if a channel knows it (shown and preselected, never applied)."""
    hints: list[NamedCode] = current_app.extensions.get("triage_named_code", [])
    for hint in hints:
        if code := hint(session, ticket):
            return code
    return None


def in_triage(ticket: Ticket) -> bool:
    """Tell whether the ticket still waits for staff to give it a catalog code."""
    return not ticket.code


def create_uncategorised(
    session: Session,
    mail: NewMailTicket,
    *,
    calendar: WorkingCalendar,
    catalog_version: str,
    uploads: list[files.Upload],
    upload_dir: FileStore,
    channel: str,
    now: datetime,
    token_days: int = 30,
) -> tuple[Ticket, str]:
    """Add a ticket without a code to ``session`` (the caller commits); return it and its token.

    The reference carries 40 random bits; the caller's commit fails on the unique constraint in
    the unlikely case of a collision, and the caller retries the whole message.
    """
    token = new_token()
    ticket = Ticket(
        reference=new_reference(now, calendar.tz),
        channel=channel,
        code="",
        service_code="",
        request_type=TRIAGE_REQUEST_TYPE,
        catalog_version=catalog_version,
        owner_unit="",
        subject=(mail.subject or _("(tanpa subjek)"))[:200],
        detail=mail.detail,
        data={},
        requester_name=(mail.name or mail.email)[:120],
        requester_email=mail.email,
        user_type=UNKNOWN_USER_TYPE,
        received_at=now,
        due_at=calendar.add_working_hours(now, 0),
        updated_at=now,
        token_hash=hash_token(token),
        token_expires_at=now + timedelta(days=token_days),
    )
    event = TicketEvent(kind="dibuat", public=True, author="pengguna", body="", to_status=STATUS_NEW, created_at=now)
    ticket.events.append(event)
    _attach(ticket, event, uploads, upload_dir, now)
    session.add(ticket)
    return ticket, token


def add_system_note(ticket: Ticket, body: str, now: datetime) -> TicketEvent:
    """Add an internal note written by the system (the caller commits); staff see it, the requester never."""
    event = TicketEvent(kind="catatan", public=False, author="sistem", body=body, created_at=now)
    ticket.events.append(event)
    return event


def by_references(session: Session, references: list[str]) -> dict[str, Ticket]:
    """The tickets with these references, by reference (unknown ones are left out)."""
    if not references:
        return {}
    return {t.reference: t for t in session.scalars(select(Ticket).where(Ticket.reference.in_(references)))}


def triage_queue(session: Session, limit: int = 100) -> list[Ticket]:
    """Open tickets without a code, oldest first (the order the desk should take them in)."""
    query = (
        select(Ticket)
        .where(Ticket.code == "", Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.received_at.asc(), Ticket.id.asc())
        .limit(limit)
    )
    return list(session.scalars(query))


def set_code(
    session: Session,
    ticket: Ticket,
    *,
    catalog: Catalog,
    calendar: WorkingCalendar,
    code: str,
    rtype: RequestType,
    user_type: int,
    actor_id: int,
    now: datetime,
) -> TicketEvent:
    """Give a triage ticket its catalog code and user type, then route it there; commit.

    The same eligibility rules as a staff-registered request apply (the requester is vouched
    for by staff). The move itself is ``routing.recategorise``, the one way a ticket changes code:
    the portal's sub-scope → unit mapping, the due time from the clock's start with the code's
    norma waktu, the audit entry and the letter telling the requester all come from there.
    """
    if not in_triage(ticket):
        raise TicketError(_("Tiket ini sudah memiliki kode layanan."))
    if catalog.get(code) is None:
        raise TicketError(_("Kode layanan tidak dikenal."))
    if known_service(catalog, code).code in SEGREGATED:
        raise TicketError(_("Pengaduan (WBSM.01) disampaikan melalui SIAP, bukan sebagai tiket."))
    check_eligibility(catalog, code, rtype, user_type, None, vouched=True)
    ticket.request_type, ticket.user_type = rtype.key, user_type
    with desk_language():  # becomes the transfer's event and audit summary
        reason = _("Kode layanan ditetapkan dari triase surel.")
    try:
        return routing.recategorise(
            session,
            ticket,
            code=code,
            actor_id=actor_id,
            reason=reason,
            now=now,
            catalog=catalog,
            calendar=calendar,
        )
    except routing.RoutingError as exc:
        session.rollback()
        raise TicketError(str(exc)) from exc
