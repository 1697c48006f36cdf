"""Back-office management rules: canned replies per service and accounts (each change is audited)."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.auth import service as auth
from portal.auth import sessions
from portal.auth.models import ROLE_REQUESTER, User
from portal.staff.service import StaffError
from portal.tickets.models import CannedReply


def canned_for(session: Session, codes: list[str]) -> list:
    """The canned replies of these services, by service then title."""
    query = select(CannedReply).where(CannedReply.service_code.in_(codes))
    return list(session.scalars(query.order_by(CannedReply.service_code, CannedReply.title)))


def save_canned(
    session: Session,
    *,
    reply_id: int | None,
    service_code: str,
    title: str,
    body: str,
    codes: list[str],
    now: datetime,
    actor_id: int | None = None,
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
    before = _canned_state(reply) if reply_id is not None else None
    reply.service_code, reply.title, reply.body, reply.updated_at = service_code, title[:120], body[:10000], now
    session.add(reply)
    session.flush()  # the new reply's id names it in the log
    old, new = audit.changed(before, _canned_state(reply)) if before else (None, _canned_state(reply))
    audit.record(
        session,
        actor_id=actor_id,
        action="canned.update" if before else "canned.create",
        object_type="canned_reply",
        object_id=reply.id,
        before=old,
        after=new,
        summary=f"{reply.service_code}: {reply.title}",
    )
    session.commit()
    return reply


def _canned_state(reply: CannedReply) -> dict:
    return {"layanan": reply.service_code, "judul": reply.title, "isi": reply.body[:200]}


def delete_canned(session: Session, reply_id: int, codes: list[str], actor_id: int | None = None) -> None:
    """Delete a canned reply of one of ``codes``."""
    reply = session.get(CannedReply, reply_id)
    if reply is None or reply.service_code not in codes:
        raise StaffError(_("Balasan tidak ditemukan."))
    audit.record(session, actor_id=actor_id, action="canned.delete", object_type="canned_reply", object_id=reply.id,
                 before=_canned_state(reply), summary=f"{reply.service_code}: {reply.title}")
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
    audit.record(
        session,
        actor_id=actor.id,
        action="account.activate" if active else "account.deactivate",
        object_type="account",
        object_id=user.id,
        before={"aktif": user.active},
        after={"aktif": active},
        summary=f"{user.email} {'diaktifkan' if active else 'dinonaktifkan'}",
    )
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
    return user, auth.reset_password(session, user, ph, actor_id=actor.id)
