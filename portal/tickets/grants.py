"""Server-side grants to a requester's thread, made from a private link or the e-mail check.

The browser's session cookie keeps only ``<reference>:<grant id>`` entries (at most
``MAX_GRANTS``). Which ticket, which token generation and until when live in ``ticket_grant``,
so the server can revoke a grant: renewing the private link deletes the grants made from the old
token, and a grant made from a token stops working when that token expires or is replaced, even
if a copy of the cookie is replayed. Only the SHA-256 of a grant id is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property

from flask import current_app, url_for
from flask import session as cookie
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from portal.core.clock import now
from portal.extensions import db
from portal.tickets.models import Ticket, TicketEvent, TicketGrant
from portal.tickets.service import normalise_reference

GRANTS_KEY = "tiket_akses"
MAX_GRANTS = 10


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(session: Session, ticket: Ticket, now: datetime, hours: float, token_hash: str | None) -> str:
    """Store a grant to ``ticket`` valid for ``hours``; return its random id (for the cookie).

    ``token_hash`` names the token generation the grant came from (None: the e-mail check).
    """
    # Expired grants are useless: drop them here rather than in a separate job (indexed delete).
    session.execute(delete(TicketGrant).where(TicketGrant.expires_at <= now))
    secret = secrets.token_urlsafe(24)
    session.add(
        TicketGrant(
            secret_hash=_hash(secret),
            ticket_id=ticket.id,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.commit()
    return secret


def is_live(grant_token_hash: str | None, grant_expires_at, token_hash: str, token_expires_at, now: datetime) -> bool:
    """Tell whether a grant (its token generation and expiry) still opens its ticket at ``now``.

    A grant from a private link also needs that link's token to be the ticket's current one
    (``token_hash``) and unexpired: renewal and expiry revoke it whatever its own expiry says.
    """
    if now >= grant_expires_at:
        return False
    if grant_token_hash is None:
        return True  # the e-mail check: no link behind it
    return hmac.compare_digest(grant_token_hash, token_hash) and now <= token_expires_at


@dataclass
class Granted:
    """A live grant's ticket as the thread page needs it, read in one statement.

    ``version`` changes whenever the thread does (``updated_at``, status, the last event's id);
    the ORM ticket is only loaded when a caller needs more (``ticket``).
    """

    session: Session
    ticket_id: int
    status: str
    resolved_at: datetime | None
    version: tuple

    @cached_property
    def ticket(self) -> Ticket:
        """The ticket itself (one more statement, or none when the session already holds it)."""
        ticket = self.session.get(Ticket, self.ticket_id)
        if ticket is None:  # the grant's row joined the ticket a moment ago; only a delete since explains this
            raise LookupError(self.ticket_id)
        return ticket


@cache
def _lookup_statement():
    # Built once: the thread page runs it on every request, and SQLAlchemy reuses the compiled
    # form of a statement object it has seen (building a select costs more than running it).
    # Plain columns, not entities: a view served from the render cache needs nothing else.
    last_event = select(func.max(TicketEvent.id)).where(TicketEvent.ticket_id == Ticket.id).scalar_subquery()
    return (
        select(
            TicketGrant.token_hash.label("grant_token_hash"),
            TicketGrant.expires_at.label("grant_expires_at"),
            Ticket.id,
            Ticket.token_hash,
            Ticket.token_expires_at,
            Ticket.updated_at,
            Ticket.status,
            Ticket.resolved_at,
            last_event.label("last_event_id"),
        )
        .join(Ticket, TicketGrant.ticket_id == Ticket.id)
        .where(TicketGrant.secret_hash == bindparam("secret"), Ticket.reference == bindparam("reference"))
    )


def lookup(session: Session, reference: str, secret: str | None, now: datetime) -> Granted | None:
    """Return the ticket ``reference`` when ``secret`` is a live grant to it, else None.

    One statement for the grant, the ticket's state and the id of its last event.
    """
    if not secret:
        return None
    params = {"secret": _hash(secret), "reference": normalise_reference(reference)}
    row = session.execute(_lookup_statement(), params).first()
    if row is None or not is_live(
        row.grant_token_hash, row.grant_expires_at, row.token_hash, row.token_expires_at, now
    ):
        return None
    version = (row.id, row.updated_at, row.status, row.last_event_id)
    return Granted(session, row.id, row.status, row.resolved_at, version)


# --- The browser's side: the session cookie holds only "<reference>:<grant id>" entries. ---


def remember(reference: str, secret: str) -> None:
    """Keep the grant id for ``reference`` in this browser's session (newest last)."""
    reference = normalise_reference(reference)
    kept = [e for e in cookie.get(GRANTS_KEY, []) if isinstance(e, str) and e.partition(":")[0] != reference]
    cookie[GRANTS_KEY] = [*kept[-(MAX_GRANTS - 1) :], f"{reference}:{secret}"]


def secret_for(reference: str) -> str | None:
    """Return this browser's grant id for ``reference``, if it holds one.

    Entries without a grant id (the references that older versions kept) open nothing.
    """
    reference = normalise_reference(reference)
    for entry in cookie.get(GRANTS_KEY, []):
        if isinstance(entry, str):
            ref, _sep, secret = entry.partition(":")
            if ref == reference and secret:
                return secret
    return None


def give(ticket: Ticket, token_hash: str | None) -> None:
    """Store a grant to ``ticket`` for this request's browser and keep its id in the session."""
    hours = current_app.config["STATUS_GRANT_HOURS"]
    remember(ticket.reference, create(db.session(), ticket, now(), hours, token_hash))


def grant_new_ticket(ticket: Ticket) -> str:
    """Give the browser that just submitted ``ticket`` a grant; return where to send it.

    The grant belongs to the token of the confirmation e-mail, like one made from that link.
    """
    give(ticket, ticket.token_hash)
    return url_for("tickets.thread", reference=ticket.reference, baru=1)
