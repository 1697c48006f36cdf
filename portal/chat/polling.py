"""What a poll answers (JSON of new lines, the state, the version) and whom the limits count."""

from __future__ import annotations

from flask import request, session
from flask_limiter.util import get_remote_address

from portal.chat import version
from portal.chat.models import Chat, ChatMessage
from portal.core.timefmt import format_wib


def as_json(chat: Chat, messages: list[ChatMessage]) -> dict:
    """The chat's state and the given lines; text only (the page inserts it as text, never HTML)."""
    return {
        "ok": True,
        "state": chat.state,
        "agent": chat.agent_name,
        "ticket": chat.ticket_reference or "",
        "version": version.of(chat),
        "messages": [
            {
                "id": m.id,
                "author": m.author,
                "name": m.author_name,
                "body": m.body,
                "time": format_wib(m.created_at, with_date=False),
            }
            for m in messages
        ],
    }


def visitor_key() -> str:
    """The rate-limit key of one visitor: their chat when they have one, else their address."""
    chat_id = session.get("chat_id")
    return f"chat-visitor:{chat_id}" if isinstance(chat_id, int) else f"chat-client:{get_remote_address()}"


def since_arg() -> int:
    """The ``sejak`` argument: the last line the page has, clamped to what an integer column holds."""
    value = request.args.get("sejak", type=int) or 0
    return min(max(value, 0), 2**31 - 1)
