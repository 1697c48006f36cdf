"""A per-chat version in the shared store, so that an unchanged poll costs one Redis GET and no query.

The version is ``"<last message id>:<state>"``, written after every commit that changes a chat.
A visitor's poll names what it already has; when the shared store holds exactly that, nothing
changed and the answer is 204 without touching the database. Only a store every worker and node
shares can answer that way: with the in-process default (``SimpleCache``) another worker's write
would be invisible here, so every poll reads the database instead. Redis unreachable: the same.
"""

from __future__ import annotations

import logging

from flask import current_app

from portal.chat.models import Chat
from portal.extensions import cache

log = logging.getLogger(__name__)
LOCAL_CACHES = {"SimpleCache", "simple", "NullCache", "null"}
TTL_SECONDS = 24 * 3600


def shared() -> bool:
    """Whether the cache is one every worker and node shares (Redis)."""
    return current_app.config.get("CACHE_TYPE", "SimpleCache") not in LOCAL_CACHES


def of(chat: Chat) -> str:
    """The version a poller compares: last message and state."""
    return f"{chat.last_message_id}:{chat.state}"


def _key(chat_id: int) -> str:
    return f"chat:{chat_id}"


def publish(chat: Chat) -> None:
    """Write the chat's version after a commit (best effort: a failure only costs queries)."""
    if not shared():
        return
    try:
        cache.set(_key(chat.id), of(chat), timeout=TTL_SECONDS)
    except Exception:  # noqa: BLE001  (Redis away: polls fall back to the database)
        log.exception("shared store unreachable; chat %s version not written", chat.id)


def unchanged(chat_id: int, known: str) -> bool:
    """True only when the shared store says the chat is still at version ``known``."""
    if not shared() or not known:
        return False
    try:
        return cache.get(_key(chat_id)) == known
    except Exception:  # noqa: BLE001
        log.exception("shared store unreachable; chat poll reads the database")
        return False
