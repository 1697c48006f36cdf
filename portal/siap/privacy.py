"""What keeps SIAP requests from leaving traces: headers, log filters, upload buffering.

- Every response under ``/siap`` gets a strict CSP (nothing but our own stylesheet and
  forms), ``no-store``, ``no-referrer``, ``noindex`` and friends, and loses its ETag.
- Log records that would name a SIAP request are dropped: the rate limiter's breach
  message (it prints the limit key), and the access lines of Werkzeug's development
  server and of gunicorn, when they run in this process. "SIAP request" means whatever
  the router could take for one: the path is normalised first (``//siap``, ``/%2Fsiap``,
  ``/./siap``, ``/SIAP/``), see ``portal.core.paths``.
- Uploads to SIAP routes are buffered in memory, never in a plaintext temporary file.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping

from flask import Flask, Response, has_request_context, request

from portal.core import logs
from portal.core.paths import decoded, is_under

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Expires": "0",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
LOGGERS = ("flask-limiter", "werkzeug", "gunicorn.access")
PREFIX = "/siap"
# Anything between whitespace or quotes may be a request target (or a Referer, or a full URL).
_TOKEN = re.compile(r"[^\s\"'<>]+")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # Werkzeug colours its lines on a terminal


def is_siap_path(path: str) -> bool:
    """Tell whether a URL path (raw, as received) is one the router could take for SIAP."""
    return is_under(path, PREFIX)


def names_siap(text: str) -> bool:
    """Tell whether a log message mentions a SIAP URL in any spelling the router accepts."""
    if "siap" not in decoded(text).lower():
        return False  # the common case, decided without tokenising
    return any(is_siap_path(token) for token in _TOKEN.findall(_ANSI.sub(" ", text)) if "/" in token or "%" in token)


def apply_headers(response: Response) -> Response:
    """Set the SIAP headers on responses to SIAP paths (error pages included)."""
    if is_siap_path(request.path):
        response.headers.update(HEADERS)
        for name in ("ETag", "Last-Modified"):
            response.headers.pop(name, None)
    return response


class DropSiapRecords(logging.Filter):
    """Drop records made while serving, or describing, a SIAP request."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False for a record that concerns a SIAP request."""
        if has_request_context() and is_siap_path(request.path):
            return False
        args = record.args
        if isinstance(args, Mapping) and any(names_siap(str(args.get(atom) or "")) for atom in ("U", "r", "f")):
            return False  # gunicorn access line: path, request line, referer, whatever the format
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        return not names_siap(message)


_FILTER = DropSiapRecords()


def install_log_filters() -> None:
    """Attach the filter to the loggers that could otherwise name a SIAP request."""
    logs.attach(_FILTER, LOGGERS)


def memory_buffered_uploads(app: Flask) -> None:
    """Make uploads to SIAP routes stay in memory (Werkzeug spools >500 KB to /tmp)."""
    base = app.request_class

    # A base only known at runtime (the app's request class); mypy cannot take a variable as one.
    class SiapRequest(base):  # type: ignore[valid-type,misc]
        """Request class that never writes a SIAP upload to a temporary file."""

        def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
            if is_siap_path(self.path):
                return io.BytesIO()
            return super()._get_file_stream(total_content_length, content_type, filename, content_length)

    app.request_class = SiapRequest


def limit_request_size() -> None:
    """Cap a SIAP request's body at what its forms can legitimately carry."""
    if is_siap_path(request.path):
        from flask import current_app

        cfg = current_app.config
        request.max_content_length = cfg["SIAP_MAX_FILES"] * cfg["SIAP_MAX_FILE_BYTES"] + 1024 * 1024


def init_app(app: Flask) -> None:
    """Install headers, log filters, memory buffering and the size cap."""
    app.after_request(apply_headers)
    app.before_request(limit_request_size)
    memory_buffered_uploads(app)
    install_log_filters()
