"""The private link in letters written after the confirmation (staff replies, reminders, closures).

The ticket's own token is stored only as its SHA-256, so a later letter cannot repeat it, and
issuing a new one would revoke every browser that already holds the thread (``renew_token``).
A letter therefore carries a key *derived* from the current token generation instead:
HMAC-SHA256 under the application's secret key of the reference and the stored token hash.
Nothing new is stored: a database copy alone cannot forge it (it lacks the secret key), and it
lives exactly as long as the ticket's link — renewing or expiring the link ends it too. The
thread route exchanges it like the link's own token (``/status/<ref>?t=…`` answers 303 to the
bare address, the access log redacts ``t=``), and the grant it gives belongs to the same
generation, so it is revoked with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from flask import current_app, has_request_context, url_for

from portal.tickets.models import Ticket

PURPOSE = b"portal.tickets.letter-link.v1"


def _derive(reference: str, token_hash: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key_bytes = key.encode() if isinstance(key, str) else bytes(key)
    digest = hmac.new(key_bytes, PURPOSE + b"\0" + reference.encode() + b"\0" + token_hash.encode(), hashlib.sha256)
    # 256 bits, URL-safe without padding (43 characters); longer than a link token, never confused.
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def letter_token(ticket: Ticket) -> str:
    """The key a letter about ``ticket`` carries: valid while the ticket's current link is."""
    return _derive(ticket.reference, ticket.token_hash)


def opens(ticket: Ticket, given: str | None, now: datetime) -> bool:
    """Tell whether ``given`` is a live letter key of ``ticket`` (constant-time comparison)."""
    if not given or now > ticket.token_expires_at:
        return False
    return hmac.compare_digest(letter_token(ticket).encode(), given.encode())


def letter_link(ticket: Ticket) -> str:
    """The address that opens the thread of ``ticket`` from a letter.

    From cron there is no request: a full address needs SERVER_NAME, else the path must do.
    """
    token = letter_token(ticket)
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("tickets.thread", reference=ticket.reference, t=token, _external=True)
    return f"/status/{ticket.reference}?t={token}"
