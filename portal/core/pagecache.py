"""A per-process cache of rendered public pages for anonymous visitors.

Catalog and FAQ pages only change when the process restarts (the data is loaded once),
except for what the layout shows about the moment: whether the desk is open, and the
announcements. The cache key therefore includes the desk status and the shared version of
public content (``portal.core.shared``: a change on any node shows on every node within about
half a second when the nodes share Redis), and entries live for at most ``TTL_SECONDS``, which
is how soon other workers of an embedded install (no shared store) see a change.
Signed-in visitors, flashed messages and pages with forms that carry a CSRF token are
never served from the cache.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import tzinfo
from functools import wraps
from typing import Any, Generic, TypeVar

from flask import Flask, Response, current_app, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from portal.core import fastpage
from portal.core.desk import desk_key, get_calendar
from portal.core.i18n import current_language
from portal.core.shared import shared_version
from portal.core.signals import public_content_changed
from portal.extensions import limiter

TTL_SECONDS = 30.0
MAX_ENTRIES = 512


V = TypeVar("V")  # bytes or text here, a kept response in ``fastpage``


class PageCache(Generic[V]):
    """A small LRU of rendered pages (bytes or text, one kind per cache) with a time to live."""

    def __init__(self, ttl: float = TTL_SECONDS, size: int = MAX_ENTRIES):
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """Return the cached body for ``key`` if it is still fresh."""
        with self._lock:
            item = self._items.get(key)
            if item is None or time.monotonic() - item[0] > self.ttl:
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: Hashable, body: V) -> None:
        """Remember a rendered body."""
        with self._lock:
            self._items[key] = (time.monotonic(), body)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (after announcements or closures change)."""
        with self._lock:
            self._items.clear()


def init_app(app: Flask) -> None:
    """Give ``app`` its page cache, emptied whenever public content changes."""
    cache = app.extensions["page_cache"] = PageCache[bytes]()
    fast = fastpage.install(app, PageCache[fastpage.Kept](ttl=float(app.config.get("FAST_PAGE_SECONDS", 1.0))))

    @public_content_changed.connect_via(app)
    def forget_pages(sender: Flask, **extra: object) -> None:
        cache.clear()
        fast.clear()


def forget_fast_copies(app: Flask) -> None:
    """Drop the first-visit copies (``fastpage``): a feature's page mark moved on this node."""
    fast = app.extensions.get("fast_pages")
    if fast is not None:
        fast.clear()


def _cacheable() -> bool:
    return (
        current_app.config.get("PAGE_CACHE", True)
        and request.method == "GET"
        and "_flashes" not in session
        and not current_user.is_authenticated
    )


def cached_page(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Serve a view's 200 responses from the page cache for anonymous visitors."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not _cacheable():
            return view(*args, **kwargs)
        cache: PageCache[bytes] = current_app.extensions["page_cache"]
        # The visitor's state (a remembered user type...) is part of the key: those without any
        # share one copy, and no one is shown another visitor's choice.
        calendar = get_calendar()
        version, desk = shared_version(current_app).current(), desk_key(calendar)
        key = (request.full_path, desk, version, _visitor_state(), _mark(), current_language())
        body = cache.get(key)
        if body is not None:
            _offer(body, None, version, desk, calendar.tz)
            return Response(body, mimetype="text/html")
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == "text/html":
            cache.put(key, response.get_data())
            _offer(response.get_data(), None, version, desk, calendar.tz)
        return response

    wrapper.page_cached = True  # type: ignore[attr-defined]  # read by _public_read below
    return wrapper


def _offer(body: bytes, raw_token: str | None, version: object, desk: tuple[bool, Any, Any], zone: tzinfo) -> None:
    """Offer the page to the first-visit copies of ``fastpage``, when it marked this request as one it keeps."""
    if fastpage.wanted():
        _is_open, until, day = desk
        fastpage.offer(fastpage.Offer(body, TOKEN_SLOT, raw_token, version, fastpage.expiry(until, day, zone)))


def _mark() -> Hashable:
    """A feature's version of what this page shows (``app.extensions["page_marks"]``, by endpoint).

    The FAQ marks an article page with the article's last public change: publishing it moves the
    mark on every node, so the old copy is never served again while other pages keep theirs.
    """
    mark = current_app.extensions.get("page_marks", {}).get(request.endpoint)
    return mark(request.view_args or {}) if mark is not None else None


def _visitor_state() -> tuple[tuple[str, str], ...]:
    """What else of this visitor a page may show (a chosen user type, a form's key...): part of the key.

    Most anonymous visitors have none, so they share one copy; any other state gets its own.
    """
    own = current_app.config.get("SESSION_COOKIE_NAME", "session")
    token = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    kept = tuple(sorted((k, repr(v)) for k, v in session.items() if k != token))
    return kept + tuple(sorted((k, v) for k, v in request.cookies.items() if k != own))


TOKEN_SLOT = b"\x00csrf\x00"  # stands for the visitor's CSRF token in a cached body (NUL never is in HTML)


def cached_page_with_token(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Like ``cached_page``, for a page whose only per-visitor part is its CSRF token.

    The body is kept with the token cut out and each visitor's own token put back in (an FAQ
    article and its "was this helpful?" form: rendering it was three quarters of its time).
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not _cacheable():
            return view(*args, **kwargs)
        cache: PageCache[bytes] = current_app.extensions["page_cache"]
        calendar = get_calendar()
        version, desk = shared_version(current_app).current(), desk_key(calendar)
        key = ("token", request.full_path, desk, version, _visitor_state(), _mark(), current_language())
        token = generate_csrf().encode()
        body = cache.get(key)
        raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        if body is not None:
            _offer(body, raw, version, desk, calendar.tz)
            return Response(body.replace(TOKEN_SLOT, token), mimetype="text/html")
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == "text/html":
            body = response.get_data().replace(token, TOKEN_SLOT)
            cache.put(key, body)
            _offer(body, raw, version, desk, calendar.tz)
        return response

    wrapper.page_cached = True  # type: ignore[attr-defined]  # read by _public_read below
    return wrapper


@limiter.request_filter
def _public_read() -> bool:
    # Reading a cached public page has nothing to guess and declares no limit, yet Flask-Limiter
    # would resolve the (empty) set of limits on every request: a tenth of such a page's time.
    view = current_app.view_functions.get(request.endpoint or "")
    return request.method in ("GET", "HEAD") and getattr(view, "page_cached", False)
