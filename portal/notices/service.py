"""Rules for announcements and calendar overrides, and the calendar they produce."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.catalog.models import Hours
from portal.core.calendar import WorkingCalendar
from portal.core.signals import public_content_changed
from portal.notices.models import Announcement, CalendarOverride

CACHE_SECONDS = 30.0


class NoticeError(ValueError):
    """An announcement or override cannot be saved; the message is for the user."""


class CalendarCache:
    """The working calendar with staff overrides, rebuilt at most every few seconds.

    Every page shows whether the desk is open, so the overrides must not cost a query
    per request; a change made in this process invalidates the cache at once. Other
    processes see it when ``version()`` (the shared version of public content, read from
    Redis at most twice a second) moves, or, with no shared store, within ``CACHE_SECONDS``.
    """

    def __init__(self, hours: Hours, version: Callable[[], object] = lambda: 0):
        self.hours = hours
        self.version = version
        self._lock = threading.Lock()
        self._calendar: WorkingCalendar | None = None
        self._loaded = 0.0
        self._seen: object = None

    def get(self, session: Session) -> WorkingCalendar:
        """Return the current calendar."""
        version = self.version()
        with self._lock:
            if self._calendar is None or version != self._seen or time.monotonic() - self._loaded > CACHE_SECONDS:
                self._seen = version
                rows = session.scalars(select(CalendarOverride)).all()
                self._calendar = WorkingCalendar.from_hours(
                    self.hours,
                    closed_days=[r.day for r in rows if not r.open],
                    open_days=[r.day for r in rows if r.open],
                )
                self._loaded = time.monotonic()
            return self._calendar

    def invalidate(self) -> None:
        """Forget the cached calendar (after an override changed)."""
        with self._lock:
            self._calendar = None


def publish_change() -> None:
    """Tell this application's caches that announcements or the calendar changed (after commit)."""
    # The signal's sender is the application object itself, which the proxy only stands for.
    public_content_changed.send(current_app._get_current_object())  # type: ignore[attr-defined]


def set_override(
    session: Session, day: date, is_open: bool, reason: str, actor_id: int | None = None
) -> CalendarOverride:
    """Close (or open) the desk on ``day``, replacing any earlier override of that day (``actor_id``: for the log)."""
    reason = reason.strip()
    if not reason:
        raise NoticeError(_("Alasan wajib diisi; alasan ditampilkan kepada pengguna."))
    row = session.scalars(select(CalendarOverride).where(CalendarOverride.day == day)).first()
    before = None if row is None else _override_state(row)
    if row is None:
        row = CalendarOverride(day=day, open=is_open, reason=reason[:200])
        session.add(row)
    else:
        row.open, row.reason = is_open, reason[:200]
    kind = "buka" if is_open else "tutup"
    audit.record(session, actor_id=actor_id, action="calendar.set", object_type="calendar", object_id=day.isoformat(),
                 before=before, after=_override_state(row), summary=f"{day:%d-%m-%Y}: {kind} ({row.reason})")
    session.commit()
    return row


def _override_state(row: CalendarOverride) -> dict[str, object]:
    return {"hari": row.day, "jenis": "buka" if row.open else "tutup", "alasan": row.reason}


def remove_override(session: Session, day: date, actor_id: int | None = None) -> bool:
    """Remove the override of ``day``; tell whether there was one."""
    row = session.scalars(select(CalendarOverride).where(CalendarOverride.day == day)).first()
    if row is None:
        return False
    audit.record(session, actor_id=actor_id, action="calendar.remove", object_type="calendar",
                 object_id=day.isoformat(), before=_override_state(row), summary=f"{day:%d-%m-%Y}: {row.reason}")
    session.delete(row)
    session.commit()
    return True


def upcoming_overrides(session: Session, today: date, limit: int = 10) -> list[CalendarOverride]:
    """Return overrides from today on, soonest first."""
    query = select(CalendarOverride).where(CalendarOverride.day >= today).order_by(CalendarOverride.day)
    return list(session.scalars(query.limit(limit)))


def add_announcement(
    session: Session, title: str, body: str, starts_on: date, ends_on: date, actor_id: int | None = None
) -> Announcement:
    """Publish an announcement for a period of days."""
    title = title.strip()
    if not title:
        raise NoticeError(_("Judul pengumuman wajib diisi."))
    if ends_on < starts_on:
        # Formatted before the call: pybabel's extractor skips (and warns on) f-strings inside _().
        end, start = f"{ends_on:%d-%m-%Y}", f"{starts_on:%d-%m-%Y}"
        raise NoticeError(_("Tanggal selesai (%(end)s) sebelum tanggal mulai (%(start)s).", end=end, start=start))
    row = Announcement(title=title[:160], body=body.strip(), starts_on=starts_on, ends_on=ends_on)
    session.add(row)
    session.flush()  # the new id names it in the log
    audit.record(session, actor_id=actor_id, action="announcement.add", object_type="announcement",
                 object_id=row.id, after=_announcement_state(row), summary=row.title)
    session.commit()
    return row


def current_announcements(session: Session, today: date) -> list[Announcement]:
    """Return the announcements shown today, newest first."""
    query = (
        select(Announcement)
        .where(Announcement.starts_on <= today, Announcement.ends_on >= today)
        .order_by(Announcement.starts_on.desc(), Announcement.id.desc())
    )
    return list(session.scalars(query))


def announcements_from(session: Session, today: date) -> list:
    """Announcements still shown today or later, soonest first."""
    query = select(Announcement).where(Announcement.ends_on >= today)
    return list(session.scalars(query.order_by(Announcement.starts_on, Announcement.id)))


def _announcement_state(row: Announcement) -> dict[str, object]:
    return {"judul": row.title, "isi": row.body[:200], "mulai": row.starts_on, "sampai": row.ends_on}


def remove_announcement(session: Session, announcement_id: int, actor_id: int | None = None) -> bool:
    """Delete an announcement; tell whether there was one."""
    row = session.get(Announcement, announcement_id)
    if row is None:
        return False
    audit.record(session, actor_id=actor_id, action="announcement.remove", object_type="announcement",
                 object_id=row.id, before=_announcement_state(row), summary=row.title)
    session.delete(row)
    session.commit()
    return True
