"""Budgets for reporters: complaints and messages per client, uploaded bytes per hour for the whole service.

They use Flask-Limiter's storage and strategy (``RATELIMIT_STORAGE_URI``, shared by every
worker when it is Redis) through the ``limits`` API, not the route decorator: a refusal must
re-render the reporter's form with what they wrote, and bytes are only known once the form
is parsed. Keys name no client in clear (see ``views.client_key``).
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, RateLimitItemPerHour, parse

from portal.extensions import limiter

UPLOAD_KEY = "siap-unggah"


def _enabled() -> bool:
    # The app's own setting: the limiter object is shared by every app a process builds.
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _take(item: RateLimitItem, key: str, cost: int) -> bool:
    if not _enabled() or cost <= 0:
        return True
    # Test first: a refused request must not use up the budget of the ones that fit.
    if not limiter.limiter.test(item, key, cost=cost):
        return False
    return limiter.limiter.hit(item, key, cost=cost)


def take_report(client_key: str) -> bool:
    """Count one complaint for this client (``SIAP_REPORT_LIMIT_CLIENT``); False when over."""
    return _take(parse(str(current_app.config["SIAP_REPORT_LIMIT_CLIENT"])), client_key, 1)


def take_message(client_key: str) -> bool:
    """Count one reporter message for this client (``SIAP_MESSAGE_LIMIT_CLIENT``); False when over."""
    return _take(parse(str(current_app.config["SIAP_MESSAGE_LIMIT_CLIENT"])), f"siap-pesan:{client_key}", 1)


def take_upload_bytes(size: int) -> bool:
    """Spend ``size`` bytes of the service's hourly upload budget; False when it cannot cover them."""
    item = RateLimitItemPerHour(int(current_app.config["SIAP_UPLOAD_BYTES_PER_HOUR"]))
    return _take(item, UPLOAD_KEY, size)


def size_of(streams) -> int:
    """Return the total size of seekable upload streams, leaving each at its start."""
    total = 0
    for stream in streams:
        stream.seek(0, 2)
        total += stream.tell()
        stream.seek(0)
    return total
