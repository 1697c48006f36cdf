"""Fixtures of the public performance page: the back office's staff and the dashboard's known tickets."""

from __future__ import annotations

from tests.staff.conftest import people  # noqa: F401  (the same desk as the back-office tests)
from tests.staff.test_dashboard import known  # noqa: F401  (tickets whose figures are worked out by hand)
