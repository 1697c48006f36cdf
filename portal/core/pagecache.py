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
from functools import wraps
from typing import Any, Generic, TypeVar

from flask import Flask, Response, current_app, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.core.desk import desk_key
from portal.core.shared import shared_version
from portal.core.signals import public_content_changed
from portal.extensions import limiter

TTL_SECONDS = 30.0
MAX_ENTRIES = 512


V = TypeVar("V", bytes, str)


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

    @public_content_changed.connect_via(app)
    def forget_pages(sender: Flask, **extra: object) -> None:
        cache.clear()


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
        key = (request.full_path, desk_key(), shared_version(current_app).current())
        body = cache.get(key)
        if body is not None:
            return Response(body, mimetype="text/html")
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == "text/html":
            cache.put(key, response.get_data())
        return response

    wrapper.page_cached = True  # type: ignore[attr-defined]  # read by _public_read below
    return wrapper


@limiter.request_filter
def _public_read() -> bool:
    # Reading a cached public page has nothing to guess and declares no limit, yet Flask-Limiter
    # would resolve the (empty) set of limits on every request: a tenth of such a page's time.
    view = current_app.view_functions.get(request.endpoint or "")
    return request.method in ("GET", "HEAD") and getattr(view, "page_cached", False)
