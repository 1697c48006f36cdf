"""The "editor FAQ" role: administrators appoint, per unit, staff who publish its articles.

Publishing needs a second person of the owning unit who is its lead or one of its editors
(``service.can_publish``). Every appointment and dismissal is written to the audit trail in
the change's own transaction.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.auth import service as accounts
from portal.faq.authoring_models import FaqEditor


class EditorError(ValueError):
    """An appointment cannot be made or removed; the message is for the user."""


def is_editor(session: Session, user_id: int, unit: str) -> bool:
    """Whether the account is an appointed FAQ editor of ``unit``."""
    query = select(FaqEditor.id).where(FaqEditor.user_id == user_id, FaqEditor.unit == unit)
    return session.scalar(query) is not None


def may_publish(session: Session, user, unit: str) -> bool:
    """A lead (or administrator) of the unit, or one of its appointed editors."""
    if unit not in user.unit_names:
        return False
    return user.role in accounts.LEAD_ROLES or is_editor(session, user.id, unit)


def appointments(session: Session) -> list[tuple[FaqEditor, object]]:
    """Every appointment with its account, by unit and name."""
    rows = session.scalars(select(FaqEditor).order_by(FaqEditor.unit, FaqEditor.id)).all()
    pairs = [(row, accounts.account(session, row.user_id)) for row in rows]
    return sorted(pairs, key=lambda p: (p[0].unit, getattr(p[1], "name", "")))


def appoint(session: Session, user_id: int, unit: str, actor) -> FaqEditor:
    """Make a staff member of ``unit`` its FAQ editor (once: a repeat changes nothing)."""
    member = accounts.account(session, user_id)
    if member is None or not member.active or not member.is_staff or unit not in member.unit_names:
        raise EditorError(_("Editor FAQ harus staf aktif dari unit %(unit)s.", unit=unit))
    found = session.scalar(select(FaqEditor).where(FaqEditor.user_id == user_id, FaqEditor.unit == unit))
    if found is not None:
        return found
    row = FaqEditor(user_id=user_id, unit=unit, appointed_by=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor.id, action="faq.editor.appoint", object_type="user", object_id=user_id,
                 after={"unit": unit, "peran": "editor FAQ"}, summary=f"{member.email}: editor FAQ {unit}")  # fmt: skip
    return row


def dismiss(session: Session, appointment_id: int, actor) -> None:
    """Take the FAQ editor role back (a missing appointment is an error the page shows)."""
    row = session.get(FaqEditor, appointment_id)
    if row is None:
        raise EditorError(_("Penunjukan editor tidak ditemukan."))
    member = accounts.account(session, row.user_id)
    audit.record(session, actor_id=actor.id, action="faq.editor.dismiss", object_type="user", object_id=row.user_id,
                 before={"unit": row.unit, "peran": "editor FAQ"},
                 summary=f"{getattr(member, 'email', row.user_id)}: bukan lagi editor FAQ {row.unit}")  # fmt: skip
    session.delete(row)
