"""Job fixtures: the back office's app (Friday 27 November 2026, 15.00 WIB) and its staff."""

from __future__ import annotations

from tests.staff.conftest import app, people  # noqa: F401  (the same desk as the back-office tests)
