"""The requester's thread page, rendered once per change of the ticket and kept per process.

Most of the page (the summary, the request's fields and every message with its files) depends
only on the ticket; the rest is the layout and the reply form. Both levels are kept in small
per-process LRUs keyed on what changes when the thread does: the ticket's ``updated_at`` and
status and the id of its last event (a reply at a frozen clock still adds an event). Entries also
expire after ``TTL_SECONDS``, so a change that touched none of these shows within a minute in
every worker. The caches are only read after the grant check, with the ticket the grant opens:
they never serve a thread to anyone the database would refuse.

* ``thread_body``: the ticket-only part, for every visitor.
* ``thread_page``: the whole page, for anonymous visitors without a flashed message (like the
  catalog's page cache), keyed also on the desk status the layout shows. The page's only
  per-visitor value, the CSRF token of its forms, is stored as a placeholder and filled in
  with this session's token on every answer.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, render_template, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.core.desk import desk_key
from portal.core.i18n import current_language
from portal.core.pagecache import PageCache
from portal.tickets import workflow
from portal.tickets.models import Ticket, TicketEvent

TTL_SECONDS = 60.0
MAX_ENTRIES = 1024  # a few KB each: a few MB per process at most
EXTENSION = "thread_cache"
PAGES = "thread_page_cache"
CSRF_PLACEHOLDER = "\x00csrf\x00"  # never in a rendered page: text is escaped, NUL is not HTML


def _cache(name: str = EXTENSION) -> PageCache[str]:
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions.setdefault(name, PageCache[str](TTL_SECONDS, MAX_ENTRIES))
    return cache


def _load_thread(session: Session, ticket: Ticket) -> list[TicketEvent]:
    # Two statements whatever the thread's length: the public events, then all their attachments.
    query = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.public.is_(True))
        .order_by(TicketEvent.id)
        .options(selectinload(TicketEvent.attachments))
    )
    return list(session.scalars(query))


def thread_body(granted, catalog) -> Markup:
    """Return the ticket-only part of the thread page, from the cache when the ticket is unchanged.

    ``granted`` is ``grants.Granted``: its ``version`` is the key, its ticket is only loaded to render.
    """
    cache = _cache()
    body = cache.get(granted.version)
    if body is None:
        ticket = granted.ticket
        events = _load_thread(granted.session, ticket)
        body = render_template(
            "tickets/_thread_body.html",
            ticket=ticket,
            events=events,
            catalog=catalog,
            steps=workflow.REQUESTER_STEPS,
            step=workflow.requester_step(ticket.status),
        )
        cache.put(granted.version, body)
    return Markup(body)  # noqa: S704  (our own template, autoescaped when it was rendered)


def thread_page(granted, variant: tuple, render: Callable[[], str]) -> str:
    """Return the whole thread page: ``render()`` it, or reuse it with this session's CSRF token.

    ``variant`` holds what else the page shows (the confirmation notice, the survey form).
    """
    config = current_app.config
    if not config.get("PAGE_CACHE", True) or current_user.is_authenticated or "_flashes" in session:
        return render()
    token = generate_csrf() if config.get("WTF_CSRF_ENABLED", True) else ""
    cache = _cache(PAGES)
    key = (*granted.version, variant, desk_key(), current_language())
    page = cache.get(key)
    if page is None:
        page = render()
        cache.put(key, page.replace(token, CSRF_PLACEHOLDER) if token else page)
        return page
    return page.replace(CSRF_PLACEHOLDER, token) if token else page
