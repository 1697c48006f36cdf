"""Retention: closed complaints expire, and with them their rows, files and keys.

Deleting the complaint's row deletes the only copies of its private key (wrapped for the
reporter, sealed for the unit), so whatever might survive elsewhere is unreadable
(crypto-shredding). On SQLite the deletion also overwrites the freed pages
(``secure_delete``) and truncates the write-ahead log, so the bytes themselves go.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, inspect, select, text
from sqlalchemy.orm import Session

from portal.siap import audit, sessions, storage
from portal.siap.models import Complaint, KeySession
from portal.siap.service import CLOSED


def _sqlite_engine(session: Session):
    engine = session.get_bind(mapper=inspect(Complaint))  # the SIAP database, wherever it lives
    return engine if engine.dialect.name == "sqlite" else None


def expired(session: Session, moment: datetime) -> list[Complaint]:
    """Return closed complaints whose retention period has passed at ``moment``."""
    cutoff = moment - timedelta(days=current_app.config["SIAP_RETENTION_DAYS"])
    return list(
        session.scalars(select(Complaint).where(Complaint.status.in_(CLOSED), Complaint.closed_at < cutoff))
    )


def expire(session: Session, moment: datetime) -> int:
    """Delete expired complaints completely; return how many were deleted."""
    old = expired(session, moment)
    engine = _sqlite_engine(session)
    if engine is not None:
        session.execute(text("PRAGMA secure_delete=ON"), bind_arguments={"bind": engine})
    paths = []
    for complaint in old:
        paths += storage.attachment_paths(complaint)
        session.execute(delete(KeySession).where(KeySession.complaint_id == complaint.id))
        audit.record(session, "kedaluwarsa", actor=audit.SYSTEM, ref=complaint.ref)
        session.delete(complaint)
    session.commit()
    storage.remove(paths)
    sessions.purge_idle(session)
    if engine is not None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(old)
