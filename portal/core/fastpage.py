"""Cached public pages for first-time visitors, served before Flask's request machinery.

A visitor who sends no cookie at all (a first visit, a crawler, a link opened from an e-mail)
gets the same bytes as every other such visitor, apart from a fresh CSRF token and the session
cookie that holds it. Served through Flask, most of that request's time went to opening and
saving the session, the security headers and the limiter's bookkeeping, around a body that the
page cache (``portal.core.pagecache``) already had. This WSGI middleware keeps, per process and
for ``FAST_PAGE_SECONDS`` (1 s), the complete response of such a request: status, headers (the
session cookie's value cut out) and body (the token cut out). A later cookie-less GET of the
same address, host, scheme and ``Accept-Language`` (what the page varies on) gets a copy with its
own token and cookie, made with the same serializers that Flask and Flask-WTF use, so the next
form post validates as usual.

The middleware alone decides which requests may be kept (``wanted`` only reads its mark); the
page cache then offers what it decided is shareable (``offer``). Never a query string (``?dari=``
records an opened search result in a view). A copy is dropped early when:

- public content changes (``clear``, on the page cache's signal; the FAQ follower calls it too);
- the shared public version moves (another node changed an announcement or a closure);
- the desk opens or closes, or the day changes, on the application's clock (``expires_at``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Protocol, cast

from flask import Flask, request
from itsdangerous import URLSafeTimedSerializer

from portal.core.clock import now
from portal.core.shared import shared_version

OFFER = "portal.fastpage.offer"  # environ key: present when this request may be kept; then the offer
COOKIE_SLOT = "\x00cookie\x00"  # stands for the visitor's session cookie value in kept headers
# What a public page's response depends on, besides the cookies a kept page never has.
KEY = (
    "wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO",
    "HTTP_ACCEPT_LANGUAGE", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)  # fmt: skip


class Store(Protocol):
    """Where kept responses live: ``pagecache.PageCache`` (an LRU with a time to live)."""

    def get(self, key: Any) -> Kept | None: ...  # noqa: D102
    def put(self, key: Any, body: Kept) -> None: ...  # noqa: D102
    def clear(self) -> None: ...  # noqa: D102


@dataclass(frozen=True)
class Offer:
    """What ``pagecache`` tells the middleware about a shareable page it just served."""

    body: bytes  # with ``slot`` where the visitor's token goes, if any
    slot: bytes
    raw_token: str | None  # the token kept in the session (None: the page has no form)
    version: Any  # the shared public version the page was made at
    expires_at: datetime  # the next moment the page would read otherwise: desk opens or closes, a new day


def expiry(until: datetime | None, day: date, zone: tzinfo) -> datetime:
    """The earlier of the desk's next change (``until``) and the next midnight of ``day`` in ``zone``."""
    midnight = datetime.combine(day + timedelta(days=1), time(), zone)
    return midnight if until is None else min(until, midnight)


@dataclass(frozen=True)
class Kept:
    """A response ready to be copied: status, headers with ``COOKIE_SLOT``, body with the token slot."""

    status: str
    headers: tuple[tuple[str, str], ...]
    offer: Offer
    generation: int


def wanted() -> bool:
    """Tell whether the middleware would keep this request's page (it marks the ones it would)."""
    return OFFER in request.environ


def offer(made: Offer) -> None:
    """Let the middleware keep this request's response (called by the page cache's wrappers)."""
    request.environ[OFFER] = made


class FastPages:
    """The WSGI middleware (see the module docstring); ``clear`` forgets every kept page."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]], kept: Store):
        self.app, self.wsgi_app, self.kept = app, wsgi_app, kept
        self.generation = 0
        self._lock = threading.Lock()
        self._signers: tuple[tuple[Any, ...], Any, URLSafeTimedSerializer] | None = None

    def clear(self) -> None:
        """Forget every kept page (public content changed)."""
        with self._lock:
            self.generation += 1
            self.kept.clear()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve a kept copy, or the application (keeping its response when it was offered)."""
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ \
                or environ.get("QUERY_STRING") or not self.app.config.get("FAST_PAGES", True):  # fmt: skip
            return self.wsgi_app(environ, start_response)
        key = tuple(environ.get(name) for name in KEY)
        kept = self.kept.get(key)
        if kept is not None and self._fresh(kept):
            return self._serve(kept, start_response)
        generation = self.generation
        seen: dict[str, Any] = {}
        environ[OFFER] = None  # this request may be kept: the page cache fills in its offer

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        made = environ.get(OFFER)
        if made is not None and seen.get("status", "").startswith("200 "):
            headers = self._keepable(seen["headers"], made)
            if headers is not None:
                self.kept.put(key, Kept(seen["status"], headers, made, generation))
        return body

    def _fresh(self, kept: Kept) -> bool:
        if kept.generation != self.generation:
            return False
        made = kept.offer
        try:
            if shared_version(self.app).current() != made.version:
                return False
            with self.app.app_context():  # the application's clock (NOW in tests and --now)
                moment = now()
        except Exception:  # noqa: BLE001 - anything odd: let the application answer
            return False
        return moment < made.expires_at

    def _signer_pair(self) -> tuple[Any, URLSafeTimedSerializer]:
        """Flask's session serializer and Flask-WTF's token serializer, made again when a key changes."""
        config = self.app.config
        secret = config.get("WTF_CSRF_SECRET_KEY", self.app.secret_key)  # Flask-WTF's own lookup
        keys = (self.app.secret_key, tuple(config.get("SECRET_KEY_FALLBACKS") or ()), secret)
        if self._signers is None or self._signers[0] != keys:
            session_signer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
            # Flask-WTF's generate_csrf signs the session's raw token with this serializer.
            csrf_signer = URLSafeTimedSerializer(cast(str | bytes, secret), salt="wtf-csrf-token")
            self._signers = (keys, session_signer, csrf_signer)
        return self._signers[1], self._signers[2]

    def _keepable(self, headers: list[tuple[str, str]], made: Offer) -> tuple[tuple[str, str], ...] | None:
        """The headers with the session cookie's value cut out; None when the response is not shareable."""
        if not _shareable(headers) or (made.raw_token is not None and made.raw_token.encode() in made.body):
            return None  # a header that says otherwise, or the first visitor's token left in the body
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        session_name = self.app.config["SESSION_COOKIE_NAME"]
        if made.raw_token is None:
            return None if cookies else tuple((n, v) for n, v in headers if n.lower() != "content-length")
        if len(cookies) != 1 or not cookies[0].startswith(f"{session_name}=") or "expires=" in cookies[0].lower():
            return None  # more than the token's session, or a dated cookie a copy would carry stale
        value = cookies[0].split(";", 1)[0].split("=", 1)[1]
        try:
            stored = self._signer_pair()[0].loads(value)
        except Exception:  # noqa: BLE001 - not what a plain session cookie looks like: keep nothing
            return None
        field = self.app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if stored != {field: made.raw_token}:
            return None
        return tuple(
            (n, v.replace(value, COOKIE_SLOT) if n.lower() == "set-cookie" else v)
            for n, v in headers
            if n.lower() != "content-length"
        )

    def _serve(self, kept: Kept, start_response: Callable) -> Iterable[bytes]:
        body, cookie = kept.offer.body, ""
        if kept.offer.raw_token is not None:
            session_signer, csrf_signer = self._signer_pair()
            raw = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - a random token made as Flask-WTF makes it
            field = self.app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
            body = body.replace(kept.offer.slot, csrf_signer.dumps(raw).encode())
            cookie = session_signer.dumps({field: raw})
        headers = [(n, v.replace(COOKIE_SLOT, cookie)) for n, v in kept.headers]
        headers.append(("Content-Length", str(len(body))))
        start_response(kept.status, headers)
        return [body]


def _shareable(headers: list[tuple[str, str]]) -> bool:
    """No header of the response forbids a copy: none private, encoded, or varying on more than we key on."""
    for name, value in headers:
        lower, text = name.lower(), value.lower()
        if lower == "content-encoding" or (lower == "cache-control" and ("no-store" in text or "private" in text)):
            return False
        if lower == "vary" and {v.strip() for v in text.split(",")} - {"accept-language", "cookie"}:
            return False
    return True


def install(app: Flask, kept: Store) -> FastPages:
    """Put the middleware in front of ``app`` (outermost: it answers before anything else runs)."""
    fast = FastPages(app, app.wsgi_app, kept)
    app.wsgi_app = fast  # type: ignore[method-assign]  # Flask's documented middleware hook
    app.extensions["fast_pages"] = fast
    return fast
