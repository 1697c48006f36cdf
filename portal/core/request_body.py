"""Bad input answers 400: a broken chunked encoding, JSON nested beyond reason, a NUL where none belongs.

Each used to escape as a 500. The WSGI server decodes ``Transfer-Encoding: chunked`` lazily, while
the application reads the body, and each server reports a bad chunk size its own way (gunicorn
raises ``InvalidChunkSize``, a plain ``Exception``; Werkzeug's server an ``OSError``). And Python's
JSON parser recurses, so ``[[[[…`` a few thousand deep raised ``RecursionError``, which
``get_json(silent=True)`` does not catch. A NUL character passes SQLite but makes PostgreSQL
refuse the statement (text cannot hold it); forms refuse it in ``PortalForm.validate``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

# Deeper than any document the API describes (ours nest three levels), far below the recursion limit.
MAX_JSON_DEPTH = 32


class MalformedBody(BadRequest):
    """The request body could not be read as the client framed it (e.g. a bad chunk size)."""

    description = "The request body is malformed."


class _GuardedInput:
    """``wsgi.input`` whose read errors become ``MalformedBody`` (an HTTP 400)."""

    def __init__(self, stream):
        self._stream = stream

    def _call(self, name: str, *args):
        try:
            return getattr(self._stream, name)(*args)
        except Exception as exc:  # whatever the server's body reader raises: the bytes came from the client
            raise MalformedBody() from exc

    def read(self, *args):
        """Read like the server's stream, or raise ``MalformedBody``."""
        return self._call("read", *args)

    def readline(self, *args):
        """Read a line like the server's stream, or raise ``MalformedBody``."""
        return self._call("readline", *args)

    def readlines(self, *args):
        """Read lines like the server's stream, or raise ``MalformedBody``."""
        return self._call("readlines", *args)

    def __iter__(self):
        return iter(self.readline, b"")

    def __getattr__(self, name: str):
        # close(), fileno() and anything else a server or library looks for pass straight through.
        return getattr(self._stream, name)


class BodyGuard:
    """WSGI middleware that wraps ``wsgi.input`` in ``_GuardedInput``."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        """Serve the request with its body stream guarded."""
        stream = environ.get("wsgi.input")
        if stream is not None:
            environ["wsgi.input"] = _GuardedInput(stream)
        return self.wsgi_app(environ, start_response)


def _storable(text: str) -> bool:
    # PostgreSQL text holds no NUL, and a lone surrogate (JSON "\\ud800") has no UTF-8 form at all.
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def depth_of(value: Any) -> int:
    """Return how deeply lists and objects nest in ``value`` (a scalar is 0), without recursion.

    Raise ``ValueError`` for a string (value or key) that no database could store.
    """
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str) and not _storable(item):
            raise ValueError("JSON text holds a NUL or a lone surrogate")
        if isinstance(item, dict):
            item = [*item.keys(), *item.values()]
        if isinstance(item, list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((child, depth) for child in item)
    return deepest


class DepthLimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing documents nested deeper than ``MAX_JSON_DEPTH``, and unstorable text.

    ``ValueError`` is what ``request.get_json`` turns into "no JSON" (``silent=True``) or a 400.
    """

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse ``s``; raise ``ValueError`` when it nests too deeply or holds unstorable text."""
        try:
            value = json.loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
        if depth_of(value) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return value


def refuse_nul_in_url() -> None:
    """Answer 400 to a path or query string holding a NUL: no route takes one, and PostgreSQL cannot compare it."""
    parts = [*(request.view_args or {}).values(), *request.args.keys(), *request.args.values()]
    if any(isinstance(part, str) and "\x00" in part for part in parts):
        raise BadRequest()


def init_app(app: Flask) -> None:
    """Guard the request body of every route of ``app``."""
    app.json = DepthLimitedJSONProvider(app)
    app.wsgi_app = BodyGuard(app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented middleware hook
    app.before_request(refuse_nul_in_url)
