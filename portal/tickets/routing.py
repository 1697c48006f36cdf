"""Routing a ticket as the organisation works: transfer to another code, merge, link.

* ``recategorise`` moves a ticket to another code, and so to that code's unit: the due time is
  the new code's norma waktu from receipt, plus the hours it already waited on the requester
  (the working hours spent stay spent); the receiving unit sees it new and unassigned.
* ``merge`` moves a duplicate's messages and attachments into the surviving ticket; the
  duplicate's reference then leads to the survivor (``find``, ``survivor_reference``).
* ``link`` relates two tickets; both show it.

Who may route: staff of the ticket's own unit, and the help desk's own staff (agents and leads of
``HELP_DESK_UNIT``). A call without an actor is the portal itself (e-mail triage).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.auth import ROLE_AGENT, ROLE_LEAD
from portal.auth import service as accounts
from portal.catalog.models import Catalog
from portal.catalog.service import get_catalog
from portal.core.calendar import WorkingCalendar
from portal.core.desk import get_calendar
from portal.core.i18n import desk_language
from portal.notifications import service as staff_notes
from portal.tickets import notify, service, unitmap
from portal.tickets.models import (
    STATUS_CLOSED,
    STATUS_NEW,
    STATUS_OPEN,
    STATUS_WAITING,
    Attachment,
    Ticket,
    TicketEvent,
)
from portal.tickets.routing_models import TicketLink

ROUTABLE = (STATUS_NEW, STATUS_OPEN, STATUS_WAITING)


class RoutingError(ValueError):
    """A transfer, merge or link cannot be done; the message is for staff."""


def help_desk_unit() -> str:
    """The unit whose agents and leads run the help desk itself ("" when none is set)."""
    return current_app.config.get("HELP_DESK_UNIT", "")


def is_help_desk(user) -> bool:
    """Tell whether an account is the help desk's own staff (administrators read no ticket anyway)."""
    desk = help_desk_unit()
    return bool(desk) and user.role in (ROLE_AGENT, ROLE_LEAD) and desk in user.unit_names


def may_route(user, ticket: Ticket) -> bool:
    """Tell whether an account may transfer, merge or link ``ticket``.

    A ticket still in e-mail triage belongs to no unit yet: every staff member may give it its
    code (the triage queue is open to all staff), and from then on its unit's rules apply.
    """
    return user.is_staff and (not ticket.owner_unit or ticket.owner_unit in user.unit_names or is_help_desk(user))


def _check_actor(session: Session, actor_id: int | None, *tickets: Ticket) -> None:
    if actor_id is None:
        return  # the portal itself (e.g. the e-mail triage)
    user = accounts.account(session, actor_id)
    if user is None or not all(may_route(user, t) for t in tickets):
        raise RoutingError(_("Hanya unit pemilik tiket atau petugas HAI-DJPb yang dapat memindahkan tiket ini."))


def find(session: Session, reference: str, with_thread: bool = False) -> Ticket | None:
    """Return the ticket a reference leads to: the survivor when it was merged, else the ticket itself."""
    ticket = service.find(session, reference, with_thread)
    if ticket is not None and ticket.merged_into_id is not None:
        return service.find(session, session.get(Ticket, ticket.merged_into_id).reference, with_thread)  # type: ignore[union-attr]
    return ticket


def survivor_reference(session: Session, reference: str) -> str | None:
    """Return the reference that ``reference`` leads to (the survivor of a merge), or None if unknown.

    For e-mail threading and anything else that meets an old reference.
    """
    ticket = find(session, reference)
    return None if ticket is None else ticket.reference


def recategorise(
    session: Session,
    ticket: Ticket,
    *,
    code: str,
    actor_id: int | None,
    reason: str,
    now: datetime,
    catalog: Catalog | None = None,
    calendar: WorkingCalendar | None = None,
    tell_requester: bool = True,
) -> TicketEvent:
    """Move ``ticket`` to ``code`` and its unit's queue; recompute the due time; tell the requester.

    The due time is receipt + the new code's norma waktu + the working hours already spent
    waiting on the requester, as if the ticket had been filed under ``code``: the hours the desk
    spent stay spent. The ticket becomes new and unassigned in the receiving queue (one waiting on
    the requester keeps waiting). Works for a ticket with no code yet (e-mail triage).
    """
    catalog = catalog or get_catalog()
    calendar = calendar or get_calendar()
    reason = " ".join((reason or "").split())
    new_service = catalog.service_of(code)
    if new_service is None:
        raise RoutingError(_("Kode layanan %(code)s tidak ada dalam katalog.", code=code))
    if new_service.code in service.SEGREGATED:
        raise RoutingError(_("Pengaduan (WBSM.01) ditangani SIAP, bukan sebagai tiket."))
    if code == ticket.code:
        raise RoutingError(_("Tiket sudah berada pada kode %(code)s.", code=code))
    if ticket.status not in ROUTABLE or ticket.merged_into_id is not None:
        raise RoutingError(_("Hanya tiket yang masih terbuka dan belum diteruskan yang dapat dipindahkan."))
    if not reason:
        raise RoutingError(_("Tulis alasan pemindahan."))
    _check_actor(session, actor_id, ticket)
    try:
        unit = unitmap.mapped_unit(session, catalog, code) or service.owner_unit(catalog, code)
    except service.TicketError as exc:
        raise RoutingError(str(exc)) from exc
    before = f"{ticket.code} ({ticket.owner_unit})" if ticket.code else ""  # "" = from triage
    old = {"code": ticket.code, "owner_unit": ticket.owner_unit, "due_at": ticket.due_at, "status": ticket.status}
    old["assignee_id"] = ticket.assignee_id
    ticket.code, ticket.service_code, ticket.owner_unit = code, new_service.code, unit
    ticket.catalog_version = catalog.version
    ticket.due_at = calendar.add_working_hours(ticket.received_at, new_service.max_hours + ticket.paused_hours)
    ticket.assignee_id = None
    after = f"{code} ({unit})"  # outside _(): pybabel's extractor warns on f-strings inside it
    with desk_language():  # stored for staff to read later, whatever this actor's language
        body = _(
            "Dipindahkan dari %(before)s ke %(after)s. Alasan: %(reason)s",
            before=before or _("antrean triase"), after=after, reason=reason,
        )  # fmt: skip
        told = _("Tiket dipindahkan ke unit Anda (%(code)s): %(subject)s", code=code, subject=ticket.subject)
    event = TicketEvent(
        kind="pindah",
        public=False,
        author="staf" if actor_id else "sistem",
        actor_id=actor_id,
        from_status=ticket.status,
        to_status=STATUS_WAITING if ticket.status == STATUS_WAITING else STATUS_NEW,
        body=body[:5000],
        created_at=now,
    )
    ticket.status = event.to_status  # type: ignore[assignment]
    ticket.updated_at = now
    ticket.next_alert_at = now if ticket.status.desk_owes_reply else None  # a new norm: alerts.py looks again
    ticket.events.append(event)
    new = {"code": code, "owner_unit": unit, "due_at": ticket.due_at, "status": ticket.status, "assignee_id": None}
    audit.record(
        session,
        actor_id=actor_id,
        action="ticket.transfer",
        object_type="ticket",
        object_id=ticket.reference,
        before=old,
        after=new,
        summary=reason,
    )
    staff_notes.notify_unit(
        session,
        unit,
        kind=staff_notes.KIND_ASSIGNED,
        reference=ticket.reference,
        text=told,
        now=now,
        link=notify.staff_link(ticket),
    )
    if tell_requester:  # queued in the transfer's own commit: sent once, after it
        node = catalog.get(code)
        notify.queue_transferred(session, ticket, node.name if node else new_service.name)
    session.commit()
    return event


def merge(session: Session, duplicate: Ticket, survivor: Ticket, *, actor_id: int | None, now: datetime) -> None:
    """Merge ``duplicate`` into ``survivor``: messages, notes and attachments move; the duplicate closes.

    Only tickets of the same requester (same e-mail address) merge: the survivor's requester
    reads everything that moves. Tickets merged into the duplicate earlier now lead to the survivor.
    """
    if duplicate.id == survivor.id:
        raise RoutingError(_("Tiket tidak dapat digabung dengan dirinya sendiri."))
    if duplicate.merged_into_id is not None or survivor.merged_into_id is not None:
        raise RoutingError(_("Salah satu tiket sudah digabung ke tiket lain."))
    if duplicate.status not in ROUTABLE:
        raise RoutingError(_("Hanya tiket yang masih terbuka dan belum diteruskan yang dapat digabung."))
    if duplicate.requester_email.lower() != survivor.requester_email.lower():
        raise RoutingError(_("Hanya tiket dari pemohon yang sama (alamat e-mail sama) dapat digabung; tautkan saja."))
    _check_actor(session, actor_id, duplicate, survivor)
    with desk_language():  # both tickets' records, read later by staff and the requester
        joined = _("Tiket %(ref)s digabungkan ke tiket ini.", ref=duplicate.reference)
        gone = _("Digabungkan ke tiket %(ref)s.", ref=survivor.reference)
    note = TicketEvent(
        kind="gabung",
        public=True,
        author="staf" if actor_id else "sistem",
        actor_id=actor_id,
        body=joined + f"\n\n{duplicate.subject}\n{duplicate.detail}".rstrip()[:4000],
        created_at=now,
    )
    survivor.events.append(note)
    session.flush()
    moved = [e.id for e in duplicate.events if e.kind in ("pesan", "catatan")]
    session.execute(update(TicketEvent).where(TicketEvent.id.in_(moved)).values(ticket_id=survivor.id))
    # The request's own files (and any not tied to a moved message) hang on the merge note.
    session.execute(
        update(Attachment)
        .where(Attachment.ticket_id == duplicate.id)
        .where(or_(Attachment.event_id.is_(None), Attachment.event_id.not_in(moved)))
        .values(ticket_id=survivor.id, event_id=note.id)
    )
    session.execute(update(Attachment).where(Attachment.ticket_id == duplicate.id).values(ticket_id=survivor.id))
    session.execute(update(Ticket).where(Ticket.merged_into_id == duplicate.id).values(merged_into_id=survivor.id))
    duplicate.events.append(
        TicketEvent(
            kind="gabung",
            public=True,
            author="staf" if actor_id else "sistem",
            actor_id=actor_id,
            from_status=duplicate.status,
            to_status=STATUS_CLOSED,
            body=gone,
            created_at=now,
        )
    )
    audit.record(
        session,
        actor_id=actor_id,
        action="ticket.merge",
        object_type="ticket",
        object_id=duplicate.reference,
        before={"status": duplicate.status, "merged_into": None},
        after={"status": STATUS_CLOSED, "merged_into": survivor.reference, "moved_events": len(moved)},
    )
    duplicate.status, duplicate.closed_at, duplicate.merged_into_id = STATUS_CLOSED, now, survivor.id
    duplicate.updated_at = survivor.updated_at = now
    session.commit()
    session.expire_all()  # the moved rows changed under the loaded relationships


def link(session: Session, ticket: Ticket, other: Ticket, *, actor_id: int | None, now: datetime) -> bool:
    """Relate two tickets (stored once); False when they were already linked."""
    if ticket.id == other.id:
        raise RoutingError(_("Tiket tidak dapat ditautkan dengan dirinya sendiri."))
    _check_actor(session, actor_id, ticket)
    low, high = sorted((ticket.id, other.id))
    exists = select(TicketLink.id).where(TicketLink.ticket_id == low, TicketLink.other_id == high)
    if session.scalar(exists) is not None:
        return False
    session.add(TicketLink(ticket_id=low, other_id=high, actor_id=actor_id, created_at=now))
    audit.record(
        session,
        actor_id=actor_id,
        action="ticket.link",
        object_type="ticket",
        object_id=ticket.reference,
        before={"linked": None},
        after={"linked": other.reference},
    )
    session.commit()
    return True


def linked(session: Session, ticket: Ticket) -> list[Ticket]:
    """The tickets linked to ``ticket``, oldest link first."""
    query = (
        select(TicketLink)
        .where(or_(TicketLink.ticket_id == ticket.id, TicketLink.other_id == ticket.id))
        .order_by(TicketLink.id)
    )
    ids = [row.other_id if row.ticket_id == ticket.id else row.ticket_id for row in session.scalars(query)]
    found = {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def merged_from(session: Session, ticket: Ticket) -> list[Ticket]:
    """The duplicates merged into ``ticket``."""
    return list(session.scalars(select(Ticket).where(Ticket.merged_into_id == ticket.id).order_by(Ticket.id)))


def merged_into(session: Session, ticket: Ticket) -> Ticket | None:
    """The survivor a merged ticket leads to, or None."""
    return None if ticket.merged_into_id is None else session.get(Ticket, ticket.merged_into_id)
