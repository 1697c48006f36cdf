"""The application's one clock: every "now" and "today" in the portal is read here.

The ``NOW`` setting freezes the clock (tests, ``flask jobs run --now``, replaying an
incident); otherwise it is the machine's time. Nothing else in ``portal/`` reads the wall
clock, so a frozen clock freezes the whole portal, and a test can never depend on the day
it happens to run (``tests/test_clock.py`` walks the source to keep it that way).
Durations are measured with ``time.monotonic`` or ``time.perf_counter``, which are not
the time of day and stay allowed everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

# The desk's own zone (section C: "08.00 s.d. 16.00 WIB"); "today" is the date in Jakarta.
DESK_ZONE = "Asia/Jakarta"


class ClockError(ValueError):
    """The ``NOW`` setting is not a moment the clock can use."""


def _frozen() -> datetime | None:
    if not has_app_context():
        return None
    value = current_app.config.get("NOW")
    if value is None or value == "":
        return None
    if isinstance(value, str):  # PORTAL_NOW=2026-11-30T10:00:00+07:00 in the environment
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ClockError(f"NOW is not an ISO 8601 moment: {value!r}") from exc
    if not isinstance(value, datetime):
        raise ClockError(f"NOW must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None:
        raise ClockError("NOW must name its time zone, e.g. 2026-11-30T10:00:00+07:00")
    return value


def now() -> datetime:
    """Return the current moment as an aware UTC datetime (the ``NOW`` setting when set)."""
    frozen = _frozen()
    return frozen.astimezone(UTC) if frozen is not None else datetime.now(UTC)


def today(zone: str | ZoneInfo = DESK_ZONE) -> date:
    """Return today's date in ``zone`` (the desk's zone, WIB, by default)."""
    return now().astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)).date()


def timestamp() -> float:
    """Return the current moment as seconds since the epoch, for session and cookie stamps."""
    return now().timestamp()


@contextmanager
def frozen_at(moment: datetime | None) -> Iterator[None]:
    """Run the block with the clock of the current application at ``moment`` (unchanged when None).

    ``flask jobs run --now`` and the other commands taking ``--now`` go through here, so every
    ``now()`` below them (the letters they queue, the rows they stamp) reads the same moment.
    The previous setting comes back afterwards, also when the block fails.
    """
    if moment is None:
        yield
        return
    if moment.tzinfo is None:
        raise ClockError("the moment must name its time zone, e.g. 2026-11-30T10:00:00+07:00")
    config = current_app.config
    saved = config.get("NOW")
    config["NOW"] = moment
    try:
        yield
    finally:
        config["NOW"] = saved
