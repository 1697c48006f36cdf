"""The SIAP audit log: actor, complaint reference, action and time — never content."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.clock import now
from portal.siap.models import SiapAuditEvent

MEMBER, REPORTER, SYSTEM = "anggota", "pelapor", "sistem"


def record(session: Session, action: str, *, actor: str = MEMBER, user_id: int | None = None, ref: str | None = None,
           detail: str = "") -> None:
    """Add one audit event to the session (committed with the action it describes)."""
    session.add(
        SiapAuditEvent(at=now(), actor=actor, actor_user_id=user_id, complaint_ref=ref, action=action, detail=detail)
    )


def recent(session: Session, limit: int = 200, ref: str | None = None) -> list[SiapAuditEvent]:
    """Return the newest events, optionally for one complaint."""
    query = select(SiapAuditEvent).order_by(SiapAuditEvent.id.desc()).limit(limit)
    if ref is not None:
        query = query.where(SiapAuditEvent.complaint_ref == ref)
    return list(session.scalars(query))
