"""Routing fixtures: the back office's people and tickets (see tests/staff/conftest.py)."""

from __future__ import annotations

from tests.staff.conftest import app, people  # noqa: F401  (fixtures shared with the back-office tests)
