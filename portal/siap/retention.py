"""Retention: closed complaints expire, and with them their rows, files and keys.

Deleting the complaint's row deletes the only copies of its private key (wrapped for the
reporter, sealed for the unit), so whatever might survive elsewhere is unreadable
(crypto-shredding). On SQLite the deletion also overwrites the freed pages
(``secure_delete``) and truncates the write-ahead log, so the bytes themselves go.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, text

from portal.extensions import db
from portal.siap import audit, sessions, storage
from portal.siap.models import BIND, Complaint, KeySession
from portal.siap.service import CLOSED


def _sqlite_engine():
    engine = db.engines[BIND]
    return engine if engine.dialect.name == "sqlite" else None


def expired(moment: datetime) -> list[Complaint]:
    """Return closed complaints whose retention period has passed at ``moment``."""
    cutoff = moment - timedelta(days=current_app.config["SIAP_RETENTION_DAYS"])
    return list(
        db.session.scalars(select(Complaint).where(Complaint.status.in_(CLOSED), Complaint.closed_at < cutoff))
    )


def expire(moment: datetime) -> int:
    """Delete expired complaints completely; return how many were deleted."""
    old = expired(moment)
    engine = _sqlite_engine()
    if engine is not None:
        db.session.execute(text("PRAGMA secure_delete=ON"), bind_arguments={"bind": engine})
    paths = []
    for complaint in old:
        paths += storage.attachment_paths(complaint)
        db.session.execute(delete(KeySession).where(KeySession.complaint_id == complaint.id))
        audit.record("kedaluwarsa", actor=audit.SYSTEM, ref=complaint.ref)
        db.session.delete(complaint)
    db.session.commit()
    storage.remove(paths)
    sessions.purge_idle()
    if engine is not None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(old)
