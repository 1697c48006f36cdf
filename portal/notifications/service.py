"""Record staff notifications, mail them at once or in the 08.00 WIB digest, list and read them.

A notification is written in the transaction of its cause (a ticket filed, a reply, an
assignment), and so is its e-mail when the member chose "segera": both commit or neither. The
digest job claims a member's pending rows with one conditional UPDATE before queueing their one
letter, in the same commit: two runs at once send each notification once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.auth import ROLE_AGENT, ROLE_LEAD, User
from portal.auth import service as accounts
from portal.core.calendar import WorkingCalendar
from portal.mail import service as mail
from portal.notifications.models import (
    KIND_ASSIGNED,
    KIND_NEW,
    KIND_REPLY,
    KINDS,
    MODE_DIGEST,
    MODE_NOW,
    Notification,
    NotificationPreference,
)

__all__ = ["KIND_ASSIGNED", "KIND_NEW", "KIND_REPLY", "notify", "notify_unit", "notify_user"]

DIGEST_AT = time(8, 0)  # 08.00 WIB on working days
KIND_LABELS = {
    "tiket-baru": _l("Tiket baru di antrian unit saya"),
    "balasan": _l("Balasan pengguna pada tiket saya"),
    "ditugaskan": _l("Tiket ditugaskan atau dipindahkan kepada saya"),
}


def preferences(session: Session, user_id: int) -> dict[str, str]:
    """The member's mode per kind: the daily digest unless they chose "segera".

    The digest is the default so that a busy unit is not sent one e-mail per new ticket before
    anyone asked for it; the in-app list shows every notification at once either way.
    """
    rows = session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user_id))
    chosen = {row.kind: row.mode for row in rows}
    return {kind: chosen.get(kind, MODE_DIGEST) for kind in KINDS}


def set_preferences(session: Session, user_id: int, modes: dict[str, str]) -> None:
    """Store the member's choices (unknown kinds or modes are ignored) and commit."""
    for kind, mode in modes.items():
        if kind not in KINDS or mode not in (MODE_NOW, MODE_DIGEST):
            continue
        row = session.get(NotificationPreference, (user_id, kind))
        if row is None:
            session.add(NotificationPreference(user_id=user_id, kind=kind, mode=mode))
        else:
            row.mode = mode
    session.commit()


def notify(
    session: Session, people: Iterable[User], *, kind: str, reference: str, text: str, now: datetime, link: str
) -> None:
    """Record one notification per active member (no commit: the caller's commit keeps it)."""
    for person in {p.id: p for p in people if p.active}.values():
        digest = preferences(session, person.id)[kind] == MODE_DIGEST
        row = Notification(
            user_id=person.id, kind=kind, ticket_reference=reference, text=text[:300], created_at=now, digest=digest
        )
        if not digest:
            row.mailed_at = now
            mail.enqueue(
                session,
                to=person.email,
                subject=f"[{reference}] {text}"[:200],
                template="staff_notification",
                context={"name": person.name, "items": [row], "link": link},
                auto=True,
            )
        session.add(row)


def notify_unit(session: Session, unit: str, **kwargs) -> None:
    """Notify the agents and leads of ``unit`` (see ``notify``)."""
    notify(session, accounts.unit_accounts(session, unit, [ROLE_AGENT, ROLE_LEAD]), **kwargs)


def notify_user(session: Session, user_id: int | None, **kwargs) -> None:
    """Notify one member by id, if there is one (see ``notify``)."""
    person = accounts.account(session, user_id) if user_id else None
    if person is not None:
        notify(session, [person], **kwargs)


def unread_count(session: Session, user_id: int) -> int:
    """How many of the member's notifications are unread."""
    query = select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return session.scalar(query) or 0


def recent(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    """The member's latest notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user_id)
    # By the moment each happened: a job that runs late records with its own "now", after later rows.
    newest_first = (Notification.created_at.desc(), Notification.id.desc())
    return list(session.scalars(query.order_by(*newest_first).limit(limit)))


def mark_read(session: Session, user_id: int, now: datetime) -> None:
    """Mark every notification of the member read, and commit."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    session.execute(query.values(read_at=now))
    session.commit()


def send_digests(session: Session, now: datetime, calendar: WorkingCalendar, link: str) -> int:
    """From 08.00 WIB on a working day: one letter per member with what waited for it; return how many."""
    local = now.astimezone(calendar.tz)
    if not calendar.is_working_day(local.date()) or local.time() < DIGEST_AT:
        return 0
    cutoff = datetime.combine(local.date(), DIGEST_AT, tzinfo=calendar.tz)
    pending = select(Notification).where(
        Notification.digest.is_(True), Notification.mailed_at.is_(None), Notification.created_at < cutoff
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for row in session.scalars(pending.order_by(Notification.id)):
        by_user[row.user_id].append(row)
    sent = 0
    for user_id, rows in by_user.items():
        ids = [r.id for r in rows]
        claim = update(Notification).where(Notification.id.in_(ids), Notification.mailed_at.is_(None))
        if session.execute(claim.values(mailed_at=now)).rowcount != len(ids):  # type: ignore[attr-defined]
            session.rollback()  # another run took them
            continue
        person = accounts.account(session, user_id)
        if person is not None and person.active:
            mail.enqueue(
                session,
                to=person.email,
                subject=str(_l("Ringkasan pemberitahuan HAI-DJPb")),
                template="staff_notification",
                context={"name": person.name, "items": rows, "link": link},
                auto=True,
            )
            sent += 1
        session.commit()
    return sent
