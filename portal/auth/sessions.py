"""Server-side sessions of signed-in accounts: a row per browser, so a sign-in can really end.

Flask's session cookie is signed, not revocable: a copy made before logout stays valid as long
as its contents do. So the cookie carries only a random token (``COOKIE_KEY``) and the database
keeps its SHA-256 in ``staff_session``; the user loader accepts a request only while that row
lives. Logout, a password change or reset and a deactivation delete every row of the account;
a row also ends after ``IDLE_TIMEOUT_MINUTES`` without a request and ``SESSION_MAX_HOURS``
after sign-in, whatever the activity. Times come from the application's clock.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_
from sqlalchemy.orm import Session

from portal.auth.models import StaffSession

COOKIE_KEY = "sesi"  # where the token lives in Flask's session cookie
# last_seen is written at most this often: one write a minute per browser instead of one per request.
TOUCH_EVERY = timedelta(seconds=60)


class State(enum.Enum):
    """What became of the session a request names."""

    LIVE = "live"
    MISSING = "missing"  # no token, an unknown one, or one of another account (ended, or never was)
    IDLE = "idle"
    EXPIRED = "expired"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user_id: int, moment: datetime, idle: timedelta, lifetime: timedelta) -> str:
    """Store a new session for ``user_id`` and return the token for the cookie.

    Sessions past their idle or absolute limit are deleted on the way, so the table holds only
    sessions that could still be used.
    """
    session.execute(
        delete(StaffSession).where(
            or_(StaffSession.last_seen < moment - idle, StaffSession.created_at < moment - lifetime)
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_hash(token), user_id=user_id, created_at=moment, last_seen=moment))
    session.commit()
    return token


def resume(
    session: Session, token: str | None, user_id: int, moment: datetime, idle: timedelta, lifetime: timedelta
) -> State:
    """Check the session named by ``token`` for ``user_id`` at ``moment``; touch it when live.

    An idle or expired session is deleted, so it cannot come back whatever the clock does later.
    """
    if not isinstance(token, str) or not token:
        return State.MISSING
    row = session.get(StaffSession, _hash(token))
    if row is None or row.user_id != user_id:
        return State.MISSING
    state = State.LIVE
    if moment - row.created_at > lifetime:
        state = State.EXPIRED
    elif moment - row.last_seen > idle:
        state = State.IDLE
    if state is not State.LIVE:
        session.delete(row)
        session.commit()
    elif moment - row.last_seen >= TOUCH_EVERY:
        row.last_seen = moment
        session.commit()
    return state


def end_all(session: Session, user_id: int) -> int:
    """Delete every session of ``user_id`` (the caller commits); return how many there were."""
    # A DELETE answers with a CursorResult, whose row count the generic Result type hides.
    result = cast(CursorResult[Any], session.execute(delete(StaffSession).where(StaffSession.user_id == user_id)))
    return result.rowcount or 0
