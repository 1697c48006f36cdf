""""Tiket saya": every ticket of an e-mail address, opened by a single-use link sent to that address.

The link carries a random token (128 bits) that works once, within ``MY_TICKETS_LINK_MINUTES``.
Using it makes a server-side *list grant* for that address, valid ``MY_TICKETS_SESSION_MINUTES``;
the browser's session cookie holds only the grant's random id (only hashes are stored). From the
list, each thread opens through an ordinary thread grant (``grants``) that ends with the list's.
Whether an address has tickets is never told to the person asking: the link is sent only to an
address that has some, and the answer on the page is the same either way.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.tickets.models import MyTicketsGrant, MyTicketsLink, Ticket

COOKIE_KEY = "tiket_saya"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _matches(address: str):
    # Addresses are compared as sign-in compares them: case does not matter.
    return func.lower(Ticket.requester_email) == address.lower()


def has_tickets(session: Session, address: str) -> bool:
    """Tell whether any ticket was filed with ``address``."""
    return session.scalars(select(Ticket.id).where(_matches(address)).limit(1)).first() is not None


def request_link(
    session: Session, address: str, now: datetime, minutes: float, before_commit: Callable[[str], None]
) -> bool:
    """Store a single-use link for ``address`` if it has tickets; return whether one was made.

    ``before_commit(token)`` queues the e-mail in the same commit as the link, so a link is never
    stored without its letter, nor a letter sent for a link that was rolled back.
    """
    session.execute(delete(MyTicketsLink).where(MyTicketsLink.expires_at <= now))
    session.execute(delete(MyTicketsGrant).where(MyTicketsGrant.expires_at <= now))
    if not has_tickets(session, address):
        session.commit()
        return False
    token = secrets.token_urlsafe(16)
    expires = now + timedelta(minutes=minutes)
    session.add(MyTicketsLink(token_hash=_hash(token), email=address.lower(), created_at=now, expires_at=expires))
    before_commit(token)
    session.commit()
    return True


def _usable(token: str, now: datetime):
    return (MyTicketsLink.token_hash == _hash(token), MyTicketsLink.used_at.is_(None), MyTicketsLink.expires_at > now)


def link_is_usable(session: Session, token: str, now: datetime) -> bool:
    """Tell whether ``token`` is an unused, unexpired link (without using it)."""
    return session.scalars(select(MyTicketsLink.id).where(*_usable(token, now))).first() is not None


def redeem(session: Session, token: str, now: datetime, minutes: float) -> str | None:
    """Use the link ``token`` once: return the id of a new list grant, or None if it is spent or expired.

    One conditional UPDATE marks the link used, so two requests racing with the same token
    cannot both get a grant.
    """
    marked = session.execute(
        update(MyTicketsLink)
        .where(*_usable(token, now))
        .values(used_at=now)
        .returning(MyTicketsLink.email)
    ).first()
    if marked is None:
        session.rollback()
        return None
    secret = secrets.token_urlsafe(24)
    expires = now + timedelta(minutes=minutes)
    session.add(MyTicketsGrant(secret_hash=_hash(secret), email=marked.email, created_at=now, expires_at=expires))
    session.commit()
    return secret


def grant(session: Session, secret: str | None, now: datetime) -> MyTicketsGrant | None:
    """Return the live list grant whose id is ``secret``, or None."""
    if not secret:
        return None
    row = session.scalars(select(MyTicketsGrant).where(MyTicketsGrant.secret_hash == _hash(secret))).first()
    return row if row is not None and now < row.expires_at else None


def end(session: Session, secret: str | None) -> None:
    """End a list session (its thread grants end at their own expiry, no later than the list's)."""
    if secret:
        session.execute(delete(MyTicketsGrant).where(MyTicketsGrant.secret_hash == _hash(secret)))
        session.commit()


def tickets_of(session: Session, address: str | None, user_id: int | None = None) -> list[Ticket]:
    """Every ticket filed with ``address`` (or by the account ``user_id``), latest activity first."""
    conditions = []
    if address:
        conditions.append(_matches(address))
    if user_id is not None:
        conditions.append(Ticket.requester_user_id == user_id)
    if not conditions:
        return []
    query = select(Ticket).where(or_(*conditions)).order_by(Ticket.updated_at.desc(), Ticket.id.desc())
    return list(session.scalars(query))
