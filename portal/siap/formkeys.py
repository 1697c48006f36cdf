"""One-time keys of the complaint form: sending the same form twice files one complaint.

Each complaint form carries a fresh random key with the time it was issued. Filing stores
``sha256(key)`` (never the key) in the same transaction as the complaint; a second POST
with that key finds the hash and files nothing. Keys older than ``SIAP_FORM_KEY_HOURS``
(default 24) are refused, so stored hashes can be deleted after that long.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.core.clock import now, timestamp
from portal.siap.models import FormKey

_SHAPE = re.compile(r"^(\d{1,12})\.([A-Za-z0-9_-]{32})$")
_CLOCK_SKEW = 300  # seconds a key's issue time may lie ahead (several workers, one clock)


def lifetime() -> timedelta:
    """Return how long a form key stays usable (``SIAP_FORM_KEY_HOURS``)."""
    return timedelta(hours=float(current_app.config["SIAP_FORM_KEY_HOURS"]))


def new_key() -> str:
    """Return a fresh form key: issue time (seconds) and 24 random bytes."""
    return f"{int(timestamp())}.{secrets.token_urlsafe(24)}"


def is_fresh(key: str | None) -> bool:
    """Tell whether ``key`` is well-formed and was issued less than the lifetime ago."""
    match = _SHAPE.match(key or "")
    if match is None:
        return False
    age = timestamp() - int(match.group(1))
    return -_CLOCK_SKEW <= age <= lifetime().total_seconds()


def digest(key: str) -> str:
    """Return what is stored for a used key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def is_used(session: Session, key: str) -> bool:
    """Tell whether a complaint was already filed with this key."""
    return session.scalars(select(FormKey.key_hash).where(FormKey.key_hash == digest(key))).first() is not None


def remember(session: Session, key: str) -> None:
    """Add the used key's hash to the session (committed with the complaint) and drop expired ones."""
    # Stored hours are truncated, so keep an extra hour: a hash goes only after its key expired.
    session.execute(delete(FormKey).where(FormKey.created_at < now() - lifetime() - timedelta(hours=1)))
    session.add(FormKey(key_hash=digest(key), created_at=now()))
