"""The requester's thread page: its ticket-only part rendered once per change, kept per process.

Most of the page (the summary, the request's fields and every message with its files) depends
only on the ticket. It is rendered once and kept in a small per-process LRU keyed on what changes
when the thread does: the ticket's ``updated_at`` and status and the id of its last event (a reply
at a frozen clock still adds an event). Entries also expire after ``TTL_SECONDS``, so a change
that touched none of these shows within a minute in every worker. The cache is only read after the
grant check, with the ticket the grant opens: it never serves a thread to anyone the database
would refuse.
"""

from __future__ import annotations

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.core.pagecache import PageCache
from portal.tickets.models import Ticket, TicketEvent

TTL_SECONDS = 60.0
MAX_ENTRIES = 1024  # a few KB each: a few MB per process at most
EXTENSION = "thread_cache"


def _cache() -> PageCache:
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, PageCache(TTL_SECONDS, MAX_ENTRIES))
    return cache


def _load_thread(session: Session, ticket: Ticket) -> list[TicketEvent]:
    # Two statements whatever the thread's length: the events, then all their attachments.
    query = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.public.is_(True))
        .order_by(TicketEvent.id)
        .options(selectinload(TicketEvent.attachments))
    )
    return list(session.scalars(query))


def thread_body(session: Session, ticket: Ticket, last_event_id: int | None, catalog) -> Markup:
    """Return the ticket-only part of the thread page, from the cache when the ticket is unchanged."""
    key = (ticket.id, ticket.updated_at, ticket.status, last_event_id)
    cache = _cache()
    body = cache.get(key)
    if body is None:
        events = _load_thread(session, ticket)
        body = render_template("tickets/_thread_body.html", ticket=ticket, events=events, catalog=catalog)
        cache.put(key, body)
    return Markup(body)  # noqa: S704  (our own template, autoescaped when it was rendered)
