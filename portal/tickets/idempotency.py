"""One ticket per submission: the form's one-time key and the API's ``Idempotency-Key``.

A request that carries a key already used with the same content gets the first ticket back
instead of a second one: a double click, a browser refresh, or a client retrying after a worker
died between the commit and the answer. The key's row is added to the ticket's own transaction
(``remember``), so the ticket exists exactly when the key is taken.

The database keeps a hash of the key for look-up, a hash of the content, and the first answer
(the status link's token, and for the API its response body) sealed with a secret-key box whose
key is derived from the client's key, which is never stored: whoever can replay the key can read
the answer, and a copy of the database alone cannot.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nacl.secret import SecretBox
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.tickets.models import SubmissionKey, Ticket

DEFAULT_HOURS = 24  # IDEMPOTENCY_KEY_HOURS: how long a key is remembered
FORM_SCOPE = "form"
FORM_FIELD = "kunci_kirim"
SESSION_FIELD = "kunci_kirim"  # {form path: key} in the session cookie
MAX_REMEMBERED_FORMS = 8
# Printable ASCII without spaces, 16 to 255 characters: a UUID, a ULID, or the form's own keys.
_KEY = re.compile(r"[\x21-\x7e]{16,255}")


class KeyReused(ValueError):
    """An API key was already used for a request with other content."""


@dataclass(frozen=True)
class Replay:
    """The ticket a key created, and the answer given the first time (as sealed)."""

    ticket: Ticket
    answer: dict


def new_form_key() -> str:
    """Return a fresh one-time key for a request form (192 random bits)."""
    return secrets.token_urlsafe(24)


def browser_form_key(store: MutableMapping[str, Any], form: str) -> str:
    """Return this browser's submission key for ``form`` (a path): made once, then reused.

    Going Back to a form downloads it again (it is ``no-store``), and browsers restore what was
    typed but never a hidden input, so a key made per page view would turn Back + "Kirim" into
    a second ticket. Reusing the browser's key for the form makes that resubmission find the
    first ticket; other content under the same key is still a new request (form keys are per
    content), so two different requests are never merged. ``store`` is the Flask session.
    """
    keys = dict(store.get(SESSION_FIELD) or {})
    key = keys.get(form)
    if not isinstance(key, str) or clean_key(key) is None:
        key = keys[form] = new_form_key()
        while len(keys) > MAX_REMEMBERED_FORMS:  # the oldest form first: dicts keep their order
            keys.pop(next(iter(keys)))
        store[SESSION_FIELD] = keys
    return key


def clean_key(raw: str | None) -> str | None:
    """Return the key if it is acceptable (quotes of a structured header removed), else None."""
    text = (raw or "").strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text if _KEY.fullmatch(text) else None


def fingerprint(content: dict) -> str:
    """Hash what a request asks for, independent of key order."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key_hash(scope: str, key: str) -> str:
    return hashlib.blake2b(f"{scope}\0{key}".encode(), digest_size=32, person=b"submission-id").hexdigest()


def _box(key: str) -> SecretBox:
    return SecretBox(hashlib.blake2b(key.encode(), digest_size=32, person=b"submission-box").digest())


def find(
    session: Session, *, scope: str, key: str, content_hash: str, since: datetime, per_content: bool
) -> Replay | None:
    """Return the replay of ``key`` if it was used after ``since``.

    ``per_content`` (the form) looks for the key used with this very content: other content is a
    new request. Otherwise (the API) a key used with other content raises ``KeyReused``.
    """
    query = select(SubmissionKey).where(
        SubmissionKey.scope == scope,
        SubmissionKey.key_hash == _key_hash(scope, key),
        SubmissionKey.created_at >= since,
    )
    if per_content:
        query = query.where(SubmissionKey.fingerprint == content_hash)
    row = session.scalars(query.order_by(SubmissionKey.id)).first()
    if row is None:
        return None
    if row.fingerprint != content_hash:
        raise KeyReused(key)
    return Replay(row.ticket, json.loads(_box(key).decrypt(row.sealed_answer)))


def remember(
    session: Session,
    *,
    scope: str,
    key: str,
    content_hash: str,
    ticket: Ticket,
    answer: dict,
    now: datetime,
    since: datetime,
    per_content: bool,
) -> None:
    """Add the key's row to the session, to be committed with ``ticket``; forget keys older than ``since``."""
    session.execute(delete(SubmissionKey).where(SubmissionKey.created_at < since))
    session.add(
        SubmissionKey(
            scope=scope,
            key_hash=_key_hash(scope, key),
            variant=content_hash if per_content else "",
            fingerprint=content_hash,
            ticket=ticket,
            sealed_answer=bytes(_box(key).encrypt(json.dumps(answer).encode())),
            created_at=now,
        )
    )


def window_start(now: datetime, hours: float) -> datetime:
    """Return the oldest moment whose keys are still remembered."""
    return now - timedelta(hours=float(hours))
