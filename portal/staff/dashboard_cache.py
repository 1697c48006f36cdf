"""The dashboard's figures kept for a short time in the cache every node shares."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from portal.staff.dashboard import Figures

log = logging.getLogger(__name__)


class FiguresCache:
    """Computed figures per set of units, kept for a short time in the cache every node shares.

    A dashboard is read again and again while the underlying tickets change slowly; the
    page says when its figures were computed. With Redis (``REDIS_URL``) the nodes share one
    copy, so the queries run once per ``ttl`` for the whole desk rather than once per process.
    """

    def __init__(self, store) -> None:
        self.store = store  # Flask-Caching's ``portal.extensions.cache`` (read in the app's context)

    def get(self, key: tuple, ttl: float, compute_figures) -> Figures:
        """Return fresh figures for ``key``, computing them when older than ``ttl`` seconds."""
        name = "dashboard:" + "|".join(key)
        if ttl > 0:
            with _store_errors_logged():
                figures = self.store.get(name)
                if isinstance(figures, Figures):
                    return figures
        figures = compute_figures()
        if ttl > 0:
            with _store_errors_logged():
                # Whole seconds, as Redis counts them; at least one.
                self.store.set(name, figures, timeout=max(1, int(ttl)))
        return figures


@contextmanager
def _store_errors_logged() -> Iterator[None]:
    # Redis away: the figures are computed afresh, which is slower but still right.
    try:
        yield
    except Exception:  # noqa: BLE001
        log.exception("shared cache unreachable; dashboard figures computed without it")
