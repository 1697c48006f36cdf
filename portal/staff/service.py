"""Back-office rules: who sees which ticket, the queues, replies, notes, assignment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from argon2 import PasswordHasher
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.auth import service as auth
from portal.auth import sessions
from portal.auth.models import ROLE_ADMIN, ROLE_REQUESTER, User
from portal.tickets import notify
from portal.tickets.models import OPEN_STATUSES, STATUS_WAITING, CannedReply, Ticket, TicketEvent

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
    """Staff see the tickets of their own units only; administrators are no exception."""
    return user.is_staff and ticket.owner_unit in user.unit_names


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
    session.commit()
    return event


def assign(session: Session, ticket: Ticket, actor: User, assignee: User | None, now: datetime) -> None:
    """Assign (or claim) a ticket; the assignee must work in the ticket's unit."""
    if assignee is not None and (not assignee.is_staff or ticket.owner_unit not in assignee.unit_names):
        raise StaffError("Petugas yang dipilih bukan anggota unit pemilik tiket.")
    ticket.assignee_id = assignee.id if assignee else None
    name = assignee.name if assignee else "-"
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


def canned_replies(session: Session, service_code: str) -> list:
    """Return the canned replies staff keep for a service."""
    from portal.tickets.models import CannedReply

    query = select(CannedReply).where(CannedReply.service_code == service_code).order_by(CannedReply.title)
    return list(session.scalars(query))


# --- Canned replies, announcements, knowledge feedback, accounts (the management pages) ---


def canned_for(session: Session, codes: list[str]) -> list:
    """The canned replies of these services, by service then title."""
    query = select(CannedReply).where(CannedReply.service_code.in_(codes))
    return list(session.scalars(query.order_by(CannedReply.service_code, CannedReply.title)))


def save_canned(
    session: Session, *, reply_id: int | None, service_code: str, title: str, body: str, codes: list[str], now: datetime
):
    """Create or change a canned reply of one of ``codes`` (the services of the editor's units)."""
    title, body = title.strip(), body.strip()
    if service_code not in codes:
        raise StaffError(_("Layanan ini bukan layanan unit Anda."))
    if not title or not body:
        raise StaffError(_("Judul dan isi balasan wajib diisi."))
    reply = CannedReply() if reply_id is None else session.get(CannedReply, reply_id)
    if reply is None or (reply_id is not None and reply.service_code not in codes):
        raise StaffError(_("Balasan tidak ditemukan."))
    reply.service_code, reply.title, reply.body, reply.updated_at = service_code, title[:120], body[:10000], now
    session.add(reply)
    session.commit()
    return reply


def delete_canned(session: Session, reply_id: int, codes: list[str]) -> None:
    """Delete a canned reply of one of ``codes``."""
    reply = session.get(CannedReply, reply_id)
    if reply is None or reply.service_code not in codes:
        raise StaffError(_("Balasan tidak ditemukan."))
    session.delete(reply)
    session.commit()


def accounts(session: Session) -> list[User]:
    """Every account, staff first, then by name."""
    return list(session.scalars(select(User).order_by(User.role == ROLE_REQUESTER, User.name, User.email)))


def set_active(session: Session, actor: User, user_id: int, active: bool) -> User:
    """Activate or deactivate an account; deactivating ends every session of it at once."""
    user = session.get(User, user_id)
    if user is None:
        raise StaffError(_("Akun tidak ditemukan."))
    if user.id == actor.id and not active:
        raise StaffError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    user.active = active
    if not active:
        sessions.end_all(session, user.id)
    session.commit()
    return user


def reset_password(session: Session, actor: User, user_id: int, ph: PasswordHasher) -> tuple[User, str]:
    """Give another account a new random password; return the account and the password to show once."""
    user = session.get(User, user_id)
    if user is None:
        raise StaffError(_("Akun tidak ditemukan."))
    if user.id == actor.id:
        raise StaffError(_("Ubah kata sandi Anda sendiri di halaman Kata sandi."))
    return user, auth.reset_password(session, user, ph)
