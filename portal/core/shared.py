"""What every node of a deployment shares: the cache (Flask-Caching) and versions of public content.

The embedded default keeps both inside the process (``SimpleCache``); ``REDIS_URL`` puts them, and
the rate limits, in Redis, so that several gunicorn nodes behave as one (issue 21).

Rendered pages and the working calendar stay in each process, as Python objects (reading them
from Redis on every request would cost more than rendering some of them). What crosses nodes is a
small counter per kind of content (``SharedVersion``): whoever changes the content bumps it, and
every node reads it at most every ``SHARED_CHECK_SECONDS`` (0.5 s) and drops its copies when it
moved. A change made on one node is therefore seen everywhere within about half a second.
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask

from portal.core.signals import public_content_changed
from portal.extensions import cache

log = logging.getLogger(__name__)

PUBLIC = "public"  # announcements and the calendar's closures: the layout of every public page


class SharedVersion:
    """A counter in the shared cache that any node bumps and every node reads cheaply."""

    def __init__(self, app: Flask, name: str):
        self.app = app
        self.key = f"version:{name}"
        self.interval = float(app.config.get("SHARED_CHECK_SECONDS", 0.5))
        self._lock = threading.Lock()
        self._value: Any = 0
        self._checked = float("-inf")

    def _backend(self) -> Any:
        return self.app.extensions["cache"][cache]

    def current(self) -> Any:
        """The last value read; read again when older than ``interval`` seconds."""
        moment = time.monotonic()
        if moment - self._checked < self.interval:
            return self._value
        with self._lock:
            if moment - self._checked >= self.interval:
                try:
                    self._value = self._backend().get(self.key) or 0
                except Exception:  # noqa: BLE001  (Redis away: serve what we have, try again soon)
                    log.exception("shared store unreachable; %s not refreshed", self.key)
                self._checked = moment
        return self._value

    def bump(self) -> None:
        """Tell every node that the content changed."""
        with self._lock:
            try:
                self._value = self._backend().inc(self.key)
            except Exception:  # noqa: BLE001  (the change is committed; other nodes see it at their TTL)
                log.exception("shared store unreachable; %s not bumped", self.key)
                self._value = object()  # at least this process drops its copies
            self._checked = time.monotonic()


def shared_version(app: Flask, name: str = PUBLIC) -> SharedVersion:
    """The application's counter called ``name`` (made on first use)."""
    versions: dict[str, SharedVersion] = app.extensions.setdefault("shared_versions", {})
    if name not in versions:
        versions[name] = SharedVersion(app, name)
    return versions[name]


def init_app(app: Flask) -> None:
    """Bind the shared cache, bump the public version on every change, warn about lone stores."""
    cache.init_app(app)
    version = shared_version(app, PUBLIC)

    @public_content_changed.connect_via(app)
    def bump_public(sender: Flask, **extra: object) -> None:
        version.bump()

    for problem in single_process_stores(app.config, worker_count()):
        app.logger.warning(problem)


def single_process_stores(config: Mapping[str, Any], workers: int) -> list[str]:
    """Warnings for stores that live in one process while ``workers`` processes serve."""
    if workers <= 1:
        return []
    problems = []
    if str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
        problems.append(
            f"{workers} worker processes share no rate limits (RATELIMIT_STORAGE_URI=memory://): "
            f"each limit is multiplied by {workers}. Set REDIS_URL."
        )
    if config.get("CACHE_TYPE", "SimpleCache") in ("SimpleCache", "simple", "NullCache", "null"):
        problems.append(
            f"{workers} worker processes keep separate caches: a change shows in the others only after "
            "their cache expires (up to 30 s). Set REDIS_URL."
        )
    return problems


def worker_count(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """How many worker processes the server running us starts (1 outside gunicorn).

    gunicorn loads the application in each worker with its own command line and settings in
    ``sys.argv``, ``GUNICORN_CMD_ARGS`` and ``WEB_CONCURRENCY``; its own parser reads them here.
    A ``gunicorn.conf.py`` is not read: say ``-w`` on the command line to be warned.
    """
    argv = list(sys.argv if argv is None else argv)
    environ = os.environ if environ is None else environ
    if not argv or "gunicorn" not in argv[0]:
        return 1
    from gunicorn.config import Config

    parser = Config().parser()
    args, _rest = parser.parse_known_args([*shlex.split(environ.get("GUNICORN_CMD_ARGS", "")), *argv[1:]])
    if args.workers is not None:
        return int(args.workers)
    return int(environ.get("WEB_CONCURRENCY", 1) or 1)
