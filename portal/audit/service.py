"""Write and read the audit trail: ``record`` is the one way any feature adds an entry.

``record`` only adds the entry to the caller's session, so it commits (or rolls back) with the
change it describes: there is never a change without its entry, nor an entry without its change.
Nothing here updates or deletes an entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEntry
from portal.core.clock import now

PAGE_SIZE = 50
SUMMARY_MAX = 500

# What each action code means, for the log's filter and pages. A feature may record an action
# not listed here (it shows as its code); list it when it is added.
ACTIONS = {
    "ticket.create": _l("Tiket dicatat staf"),
    "ticket.status": _l("Status tiket diubah"),
    "ticket.assign": _l("Penugasan tiket"),
    "ticket.reply": _l("Balasan kepada pengguna"),
    "ticket.note": _l("Catatan internal"),
    "ticket.transfer": _l("Tiket dipindahkan"),
    "ticket.merge": _l("Tiket digabung"),
    "ticket.link": _l("Tiket ditautkan"),
    "ticket.forward": _l("Tiket diteruskan"),
    "ticket.forward_update": _l("Penerusan diperbarui"),
    "ticket.approval": _l("Persetujuan broadcast (BMSM.01)"),
    "unit_mapping.set": _l("Pemetaan sub-lingkup ke unit diubah"),
    "account.create": _l("Akun dibuat"),
    "account.password_reset": _l("Kata sandi disetel ulang"),
    "account.password_change": _l("Kata sandi diubah pemilik"),
    "account.activate": _l("Akun diaktifkan"),
    "account.deactivate": _l("Akun dinonaktifkan"),
    "calendar.set": _l("Hari tutup/buka ditetapkan"),
    "calendar.remove": _l("Hari tutup/buka dihapus"),
    "announcement.add": _l("Pengumuman diterbitkan"),
    "announcement.remove": _l("Pengumuman dihapus"),
    "canned.create": _l("Balasan siap pakai dibuat"),
    "canned.update": _l("Balasan siap pakai diubah"),
    "canned.delete": _l("Balasan siap pakai dihapus"),
    "api_token.create": _l("Token API dibuat"),
    "api_token.revoke": _l("Token API dicabut"),
    "faq.publish": _l("Artikel FAQ diterbitkan"),
    "faq.archive": _l("Artikel FAQ diarsipkan"),
    "faq.queue_close": _l("Butir antrean penulisan FAQ ditutup dengan artikel"),
    "faq.restore": _l("Revisi artikel FAQ dipulihkan"),
}
OBJECT_TYPES = {
    "ticket": _l("Tiket"),
    "account": _l("Akun"),
    "calendar": _l("Kalender"),
    "announcement": _l("Pengumuman"),
    "canned_reply": _l("Balasan siap pakai"),
    "api_token": _l("Token API"),
    "unit_mapping": _l("Pemetaan unit"),
    "faq_article": _l("Artikel FAQ"),
    "faq_queue": _l("Antrean penulisan FAQ"),
}


def _plain(value: Any) -> Any:
    """Make a value JSON-ready: dates as ISO text, enums as their value, containers walked."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: object,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    summary: str = "",
) -> AuditEntry:
    """Add one entry to ``session`` (the caller commits it with the change it describes).

    ``actor_id`` is the signed-in account, None for the command line; the time is the app clock.
    Keep ``before``/``after`` to the fields the change touched, never secrets (no passwords).
    """
    if not action or not object_type:
        raise ValueError("an audit entry needs an action and an object type")
    entry = AuditEntry(
        at=now(),
        actor_id=actor_id,
        action=action[:60],
        object_type=object_type[:40],
        object_id=str(object_id)[:80],
        summary=summary.strip()[:SUMMARY_MAX],
        before=_plain(dict(before)) if before is not None else None,
        after=_plain(dict(after)) if after is not None else None,
    )
    session.add(entry)
    return entry


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose value differs (what an edit actually changed)."""
    keys = [k for k in dict(before) | dict(after) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass(frozen=True)
class AuditFilter:
    """What an administrator asked to see; dates are days in the desk's zone, both included."""

    actor_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def _query(f: AuditFilter, tz: ZoneInfo) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if f.actor_id is not None:
        query = query.where(AuditEntry.actor_id == f.actor_id)
    if f.action:
        query = query.where(AuditEntry.action == f.action)
    if f.object_type:
        query = query.where(AuditEntry.object_type == f.object_type)
    if f.object_id:
        query = query.where(AuditEntry.object_id == f.object_id.strip())
    if f.date_from:
        query = query.where(AuditEntry.at >= datetime.combine(f.date_from, time.min, tz))
    if f.date_to:
        query = query.where(AuditEntry.at < datetime.combine(f.date_to + timedelta(days=1), time.min, tz))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def search(session: Session, f: AuditFilter, tz: ZoneInfo) -> tuple[list[AuditEntry], bool]:
    """Return one page of entries, newest first, and whether there is a next page."""
    query = _query(f, tz).limit(PAGE_SIZE + 1).offset((max(f.page, 1) - 1) * PAGE_SIZE)
    rows = list(session.scalars(query))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def export(
    session: Session, f: AuditFilter, tz: ZoneInfo, actor_names: Mapping[int, str]
) -> Iterator[tuple[object, ...]]:
    """Yield every matching entry as a row of plain values, header first (the CSV export)."""
    yield ("waktu_wib", "pelaku_id", "pelaku", "aksi", "objek", "objek_id", "ringkasan", "sebelum", "sesudah")
    for e in session.scalars(_query(f, tz)):
        actor = actor_names.get(e.actor_id, "") if e.actor_id is not None else "sistem/CLI"
        yield (
            e.at.astimezone(tz).isoformat(timespec="seconds"),
            "" if e.actor_id is None else e.actor_id,
            actor,
            e.action,
            e.object_type,
            e.object_id,
            e.summary,
            describe(e.before),
            describe(e.after),
        )


def describe(values: Mapping[str, Any] | None) -> str:
    """Render a before/after mapping as ``key: value; …`` for pages and the CSV."""
    if not values:
        return ""
    return "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in values.items())


def actor_ids(session: Session) -> list[int]:
    """Every account that has written an entry (for the actor filter)."""
    query = select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return [i for i in session.scalars(query) if i is not None]
