"""What keeps SIAP requests from leaving traces: headers, log filters, upload buffering.

- Every response under ``/siap`` gets a strict CSP (nothing but our own stylesheet and
  forms), ``no-store``, ``no-referrer``, ``noindex`` and friends, and loses its ETag.
- Log records that would name a SIAP request are dropped: the rate limiter's breach
  message (it prints the limit key), and the access lines of Werkzeug's development
  server and of gunicorn, when they run in this process.
- Uploads to SIAP routes are buffered in memory, never in a plaintext temporary file.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping

from flask import Flask, Response, has_request_context, request

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


def is_siap_path(path: str) -> bool:
    """Tell whether a URL path belongs to SIAP."""
    return path == "/siap" or path.startswith("/siap/")


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
        if isinstance(args, Mapping) and is_siap_path(str(args.get("U", ""))):
            return False  # gunicorn access line: the "U" atom is the URL path
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        return " /siap " not in message and " /siap/" not in message and " /siap?" not in message


_FILTER = DropSiapRecords()


def install_log_filters() -> None:
    """Attach the filter to the loggers that could otherwise name a SIAP request."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def memory_buffered_uploads(app: Flask) -> None:
    """Make uploads to SIAP routes stay in memory (Werkzeug spools >500 KB to /tmp)."""
    base = app.request_class

    class SiapRequest(base):
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
