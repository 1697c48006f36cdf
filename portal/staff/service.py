"""Back-office rules: who sees which ticket, the queues, replies, notes, assignment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.audit import service as audit
from portal.auth.models import ROLE_ADMIN, User
from portal.core.calendar import WorkingCalendar
from portal.core.i18n import desk_language
from portal.notifications import service as staff_notes
from portal.tickets import notify, routing
from portal.tickets.models import OPEN_STATUSES, STATUS_WAITING, CannedReply, Ticket, TicketEvent
from portal.tickets.workflow import transition

QUEUES = {
    "unit": "Unit saya",
    "saya": "Ditugaskan kepada saya",
    "belum-ditugaskan": "Belum ditugaskan",
    "jatuh-tempo-hari-ini": "Jatuh tempo hari ini",
    "terlambat": "Melewati norma waktu",
    "menunggu": "Menunggu pengguna",
    "semua": "Semua yang terbuka",
}
PAGE_SIZE = 50


class StaffError(ValueError):
    """An action cannot be done; the message is for staff."""


@dataclass(frozen=True)
class QueueFilter:
    """What the staff member asked to see."""

    queue: str = "unit"
    service: str | None = None
    status: str | None = None
    user_type: int | None = None
    text: str | None = None
    page: int = 1


def can_see(user: User, ticket: Ticket) -> bool:
    """Staff see the tickets of their own units only (administrators are no exception).

    The help desk's own agents and leads (``HELP_DESK_UNIT``) open any ticket: they route them.
    """
    return user.is_staff and (ticket.owner_unit in user.unit_names or routing.is_help_desk(user))


def queue_query(user: User, f: QueueFilter, now: datetime, tz) -> Select:
    """Build the query of one queue with its filters, newest due first."""
    query = select(Ticket).where(Ticket.owner_unit.in_(user.unit_names))
    # Queues list open tickets; a status filter (e.g. "selesai") looks beyond them.
    query = query.where(Ticket.status == f.status) if f.status else query.where(Ticket.status.in_(OPEN_STATUSES))
    if f.queue == "saya":
        query = query.where(Ticket.assignee_id == user.id)
    elif f.queue == "belum-ditugaskan":
        query = query.where(Ticket.assignee_id.is_(None))
    elif f.queue == "jatuh-tempo-hari-ini":
        today = now.astimezone(tz).date()
        start = datetime.combine(today, time.min, tz)
        query = query.where(Ticket.due_at >= start, Ticket.due_at < start + timedelta(days=1))
    elif f.queue == "terlambat":
        query = query.where(Ticket.due_at < now, Ticket.paused_at.is_(None))
    elif f.queue == "menunggu":
        query = query.where(Ticket.status == STATUS_WAITING)
    if f.service:
        query = query.where(or_(Ticket.service_code == f.service, Ticket.code == f.service))
    if f.user_type:
        query = query.where(Ticket.user_type == f.user_type)
    if f.text:
        text = f.text.strip()
        like = f"%{text.lower()}%"
        query = query.where(
            or_(
                Ticket.reference == text.upper(),
                func.lower(Ticket.requester_email) == text.lower(),
                func.lower(Ticket.subject).like(like),
                func.lower(Ticket.detail).like(like),
            )
        )
    return query.order_by(Ticket.due_at.asc(), Ticket.id.asc())


def run_queue(session: Session, user: User, f: QueueFilter, now: datetime, tz) -> tuple[list[Ticket], bool]:
    """Return one page of a queue and whether there is a next page."""
    query = queue_query(user, f, now, tz).limit(PAGE_SIZE + 1).offset((f.page - 1) * PAGE_SIZE)
    rows = list(session.scalars(query))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def load_ticket(session: Session, user: User, reference: str) -> Ticket | None:
    """Return the ticket if this staff member may see it (None otherwise: the view answers 404)."""
    query = (
        select(Ticket)
        .where(Ticket.reference == reference.upper())
        .options(selectinload(Ticket.events).selectinload(TicketEvent.attachments), selectinload(Ticket.attachments))
    )
    ticket = session.scalars(query).first()
    return ticket if ticket is not None and can_see(user, ticket) else None


def unit_members(session: Session, unit: str) -> list[User]:
    """Active staff of a unit (assignment candidates); administrators are not assignees."""
    users = session.scalars(select(User).where(User.active.is_(True), User.role != ROLE_ADMIN)).all()
    return [u for u in users if u.is_staff and unit in u.unit_names]


def add_message(session: Session, ticket: Ticket, user: User, body: str, public: bool, now: datetime) -> TicketEvent:
    """Add a public reply (the requester sees it and gets an e-mail) or an internal note."""
    body = body.strip()
    if not body:
        raise StaffError("Tulis isi pesan.")
    if ticket.merged_into_id is not None:  # its thread moved to the survivor: a reply here would be lost there
        raise StaffError(_("Tiket ini sudah digabungkan ke tiket lain; tulis di tiket tujuannya."))
    event = TicketEvent(
        kind="pesan" if public else "catatan",
        public=public,
        author="staf",
        actor_id=user.id,
        body=body[:10000],
        created_at=now,
    )
    ticket.events.append(event)
    ticket.updated_at = now
    if public:
        notify.queue_staff_reply(session, ticket, event.body)
    audit.record(
        session,
        actor_id=user.id,
        action="ticket.reply" if public else "ticket.note",
        object_type="ticket",
        object_id=ticket.reference,
        after={"isi": event.body[:200]},
        summary=f"{'Balasan' if public else 'Catatan internal'} pada {ticket.reference}",
    )
    session.commit()
    return event


def change_status(
    session: Session, ticket: Ticket, actor: User, to_status: str, *, calendar: WorkingCalendar, now: datetime, **how
) -> None:
    """Move a ticket along the workflow (``how``: linked_units, fulfilment, unit, note) and record it.

    ``WorkflowError`` from the table leaves the session to the caller's rollback.
    """
    before = _state(ticket)
    transition(ticket, to_status, actor_id=actor.id, calendar=calendar, now=now, **how)
    old, new = audit.changed(before, _state(ticket))
    summary = f"Status {ticket.reference}: {before['status']} → {ticket.status}"
    audit.record(session, actor_id=actor.id, action="ticket.status", object_type="ticket",
                 object_id=ticket.reference, before=old, after=new, summary=summary)
    session.commit()


def _state(ticket: Ticket) -> dict:
    return {
        "status": ticket.status,
        "pemenuhan": ticket.fulfilment,
        "unit_eksternal": ticket.fulfilment_unit,
        "jatuh_tempo": ticket.due_at,
    }


def audit_registered(actor_id: int):
    """The ``on_create`` hook recording a ticket a staff member registered, in the ticket's own commit."""

    def hook(session: Session, ticket: Ticket, token: str) -> None:
        audit.record(
            session,
            actor_id=actor_id,
            action="ticket.create",
            object_type="ticket",
            object_id=ticket.reference,
            after={"kode": ticket.code, "kanal": ticket.channel, "unit": ticket.owner_unit, "subjek": ticket.subject},
            summary=f"Tiket {ticket.reference} dicatat atas nama {ticket.requester_email} ({ticket.channel})",
        )

    return hook


def assign(session: Session, ticket: Ticket, actor: User, assignee: User | None, now: datetime) -> None:
    """Assign (or claim) a ticket; the assignee must work in the ticket's unit."""
    if assignee is not None and (not assignee.is_staff or ticket.owner_unit not in assignee.unit_names):
        raise StaffError("Petugas yang dipilih bukan anggota unit pemilik tiket.")
    previous = session.get(User, ticket.assignee_id) if ticket.assignee_id else None
    ticket.assignee_id = assignee.id if assignee else None
    name = assignee.name if assignee else "-"
    audit.record(
        session,
        actor_id=actor.id,
        action="ticket.assign",
        object_type="ticket",
        object_id=ticket.reference,
        before={"petugas": previous.email if previous else None},
        after={"petugas": assignee.email if assignee else None},
        summary=f"{ticket.reference} ditugaskan kepada {name}",
    )
    if assignee is not None and assignee.id != actor.id:  # taking a ticket oneself needs no notice
        with desk_language():  # the assignee reads it, in the desk's language
            told = _("Ditugaskan kepada Anda oleh %(actor)s: %(subject)s", actor=actor.name, subject=ticket.subject)
        staff_notes.notify(
            session,
            [assignee],
            kind=staff_notes.KIND_ASSIGNED,
            reference=ticket.reference,
            text=told,
            now=now,
            link=notify.staff_link(ticket),
        )
    ticket.events.append(
        TicketEvent(
            kind="tugas",
            public=False,
            author="staf",
            actor_id=actor.id,
            body=f"Ditugaskan kepada: {name}",
            created_at=now,
        )
    )
    ticket.updated_at = now
    session.commit()


def actor_names(session: Session, ticket: Ticket) -> dict[int, str]:
    """The names of the staff who acted on the ticket, by account id, for its thread."""
    ids = {e.actor_id for e in ticket.events if e.actor_id is not None}
    if not ids:
        return {}
    return {user_id: name for user_id, name in session.execute(select(User.id, User.name).where(User.id.in_(ids)))}


def canned_replies(session: Session, service_code: str) -> list:
    """Return the canned replies staff keep for a service."""

    query = select(CannedReply).where(CannedReply.service_code == service_code).order_by(CannedReply.title)
    return list(session.scalars(query))
