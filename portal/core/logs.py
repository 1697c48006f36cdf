"""Access-log redaction: the token of a private status link never reaches a log line.

The token travels in the query string of one request only, the exchange of ``/status/<ref>?t=…``
for a grant, which redirects at once to an address without it. The access log of the server in
front of the application (Werkzeug's development server, gunicorn's ``--access-logfile``) still
writes that request line, and may write a Referer that carries one. This filter, installed on
their loggers from inside the application, rewrites every ``t=`` value of a record to
``t=[REDACTED]`` before any handler formats it: a second line of defence behind the redirect.

gunicorn loads the application in each worker (or in the master with ``--preload``, before it
forks), and its ``gunicorn.access`` logger is the one the worker writes access lines with, so the
README's production command needs no extra option.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping

# The loggers that write request lines: Werkzeug's development server and gunicorn's access log.
LOGGERS = ("werkzeug", "gunicorn.access")
# A ``t`` parameter (also written %74) anywhere in a URL or a bare query string; the value runs to
# the next separator, blank or quote (gunicorn escapes quotes as \").
TOKEN = re.compile(r"((?:^|[?&;])(?:t|%74)=)[^&;#\s\"\\]*", re.IGNORECASE)
REDACTED = "[REDACTED]"


def redact(text: str) -> str:
    """Return ``text`` with the value of every ``t=`` query parameter replaced."""
    return TOKEN.sub(r"\1" + REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrite a record's message and arguments so no link token is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place and keep the record."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        args = record.args
        if isinstance(args, MutableMapping):
            # gunicorn's atoms (request line, query string, Referer header …): a dict subclass
            # whose missing keys read as "-", so it is changed in place, not copied.
            for key, value in list(args.items()):
                if isinstance(value, str):
                    args[key] = redact(value)
        elif isinstance(args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        return True


_FILTER = RedactTokens()


def attach(record_filter: logging.Filter, names: tuple[str, ...] = LOGGERS) -> None:
    """Attach ``record_filter`` to the loggers ``names`` (by default those writing request lines), once.

    Features with their own rules for those lines (SIAP drops its own) attach them here too.
    """
    for name in names:
        logger = logging.getLogger(name)
        if record_filter not in logger.filters:
            logger.addFilter(record_filter)


def install() -> None:
    """Attach the token redaction to the loggers that write request lines (once per process)."""
    attach(_FILTER)
