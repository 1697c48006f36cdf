"""Server-side sessions of reporters and unlocked Secretariat members.

The browser's cookie carries 64 random bytes and nothing else: a 32-byte id and a
32-byte key. The database keeps ``sha256(id)`` and the session's secret (a complaint's
or the unit's private key) encrypted under that key. So a copy of the database cannot
resume a session, and a stolen cookie is useless once the row is gone (logout, idle
timeout, expiry). Flask's signed-cookie session is never used for SIAP state.

The sealed payload also holds the exact time of last use (the row's ``last_seen`` is only
the hour, see ``models.HourDateTime``) and, right after filing, the receipt until the
receipt page has shown it once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from flask import Response, current_app, request
from sqlalchemy import CursorResult, delete
from sqlalchemy.orm import Session

from portal.core.clock import now
from portal.siap import crypto
from portal.siap.models import KeySession

REPORTER, MEMBER = "pelapor", "anggota"
COOKIES = {REPORTER: ("siap_pelapor", "/siap"), MEMBER: ("siap_anggota", "/siap/sekretariat")}
TOKEN_BYTES = 64


@dataclass(frozen=True)
class Opened:
    """A loaded session: its row and the secret it holds."""

    row: KeySession
    secret: bytes
    token: str
    receipt: str | None = None


def _hash(session_id: bytes) -> str:
    return hashlib.sha256(session_id).hexdigest()


def _split(token: str) -> tuple[bytes, bytes] | None:
    try:
        raw = base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    return (raw[:32], raw[32:]) if len(raw) == TOKEN_BYTES else None


def _seal(key: bytes, secret: bytes, moment: datetime, receipt: str | None) -> bytes:
    payload = {"k": base64.b64encode(secret).decode(), "t": moment.timestamp()}
    if receipt:
        payload["r"] = receipt
    return crypto.wrap(key, json.dumps(payload).encode())


def _open(key: bytes, blob: bytes) -> tuple[bytes, datetime, str | None] | None:
    try:
        payload = json.loads(crypto.unwrap(key, blob))
        return base64.b64decode(payload["k"]), datetime.fromtimestamp(payload["t"], UTC), payload.get("r")
    except (crypto.CryptoError, ValueError, KeyError, TypeError):
        return None  # another key, or a row from before the payload carried its time


def idle_limit() -> timedelta:
    """Return how long a session may stay unused (``SIAP_IDLE_MINUTES``, default 30)."""
    return timedelta(minutes=current_app.config["SIAP_IDLE_MINUTES"])


def create(
    session: Session,
    kind: str,
    secret: bytes,
    *,
    complaint_id: int | None = None,
    user_id: int | None = None,
    receipt: str | None = None,
) -> str:
    """Store a new session holding ``secret`` (and a receipt to show once); return the cookie token."""
    session_id, key = secrets.token_bytes(32), secrets.token_bytes(32)
    moment = now()
    session.add(
        KeySession(
            id_hash=_hash(session_id),
            kind=kind,
            complaint_id=complaint_id,
            user_id=user_id,
            sealed_secret=_seal(key, secret, moment, receipt),
            created_at=moment,
            last_seen=moment,
        )
    )
    session.commit()
    return base64.urlsafe_b64encode(session_id + key).decode().rstrip("=")


def load(session: Session, kind: str, token: str | None) -> Opened | None:
    """Return the live session of ``kind`` for a cookie token, touching it; None otherwise."""
    parts = _split(token or "")
    if parts is None:
        return None
    row = session.get(KeySession, _hash(parts[0]))
    if row is None or row.kind != kind:
        return None
    opened = _open(parts[1], row.sealed_secret)
    if opened is None:
        return None
    secret, last_used, receipt = opened
    moment = now()
    if moment - last_used > idle_limit():
        session.delete(row)
        session.commit()
        return None
    row.sealed_secret = _seal(parts[1], secret, moment, receipt)
    row.last_seen = moment
    session.commit()
    return Opened(row, secret, token or "", receipt)


def take_receipt(session: Session, opened: Opened) -> str | None:
    """Return the receipt this session holds and remove it for good (it is shown once)."""
    parts = _split(opened.token)
    if opened.receipt is None or parts is None:
        return None
    opened.row.sealed_secret = _seal(parts[1], opened.secret, now(), None)
    session.commit()
    return opened.receipt


def from_request(session: Session, kind: str) -> Opened | None:
    """Load the session of ``kind`` named by this request's cookie."""
    return load(session, kind, request.cookies.get(COOKIES[kind][0]))


def destroy(session: Session, token: str | None) -> None:
    """Delete the session named by ``token`` (logout)."""
    parts = _split(token or "")
    if parts is not None:
        session.execute(delete(KeySession).where(KeySession.id_hash == _hash(parts[0])))
        session.commit()


def destroy_for_user(session: Session, user_id: int) -> None:
    """Delete every unlocked session of a member (sign-out, revocation)."""
    session.execute(delete(KeySession).where(KeySession.kind == MEMBER, KeySession.user_id == user_id))
    session.commit()


def purge_idle(session: Session) -> int:
    """Delete every session idle for longer than the limit; return how many.

    ``last_seen`` is kept to the hour, so a row goes an hour after it could have gone; the
    exact idle check is made on use, with the time sealed in the row.
    """
    cutoff = now() - idle_limit() - timedelta(hours=1)
    # A DELETE answers with a CursorResult, whose row count the generic Result type hides.
    result = cast(CursorResult[Any], session.execute(delete(KeySession).where(KeySession.last_seen < cutoff)))
    session.commit()
    return result.rowcount or 0


def set_cookie(response: Response, kind: str, token: str) -> None:
    """Send the session cookie: HttpOnly, SameSite=Strict, Secure on HTTPS, no expiry date."""
    name, path = COOKIES[kind]
    secure = request.is_secure or current_app.config.get("PREFERRED_URL_SCHEME") == "https"
    response.set_cookie(name, token, path=path, httponly=True, secure=secure, samesite="Strict")


def clear_cookie(response: Response, kind: str) -> None:
    """Tell the browser to forget the session cookie."""
    name, path = COOKIES[kind]
    secure = request.is_secure or current_app.config.get("PREFERRED_URL_SCHEME") == "https"
    response.delete_cookie(name, path=path, httponly=True, secure=secure, samesite="Strict")
