"""Every public page in a real browser at phone width: right status, no console error, no serious axe finding.

Each page is loaded once; the tests of this module read what that visit found.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.browser.checks import VIEWPORTS, Problems, axe_violations, fail_on, horizontal_overflow
from tests.browser.support import expected_status, public_pages

WIDTH = 375  # the desktop width is covered by the journeys; phones are where pages break
PAGES = public_pages()


@dataclass(frozen=True)
class Visit:
    """What one visit of a page found."""

    status: int
    problems: tuple[str, ...]
    axe: tuple[str, ...]
    overflow: str | None


@pytest.fixture(scope="module")
def visit(browser, site):
    """Visit pages with one reused page (a navigation each, no new context), once per path."""
    context = browser.new_context(viewport=VIEWPORTS[WIDTH], locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = Problems.watch(page)
    seen: dict[str, Visit] = {}

    def go(path: str) -> Visit:
        if path not in seen:
            response = page.goto(site.url(path))
            error_page = page.url if response.status >= 400 else None
            seen[path] = Visit(
                status=response.status,
                problems=tuple(problems.take(error_page=error_page)),
                axe=tuple(axe_violations(page)),
                overflow=horizontal_overflow(page),
            )
        return seen[path]

    yield go
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_public_page_is_accessible(visit, path):
    found = visit(path)
    assert found.status == expected_status(path), f"{path} answered {found.status}"
    fail_on([*found.problems, *found.axe], f"{path} at {WIDTH} px")


@pytest.mark.parametrize("path", PAGES)
def test_public_page_fits_a_phone(visit, path):
    fail_on([visit(path).overflow], f"{path} at {WIDTH} px")
