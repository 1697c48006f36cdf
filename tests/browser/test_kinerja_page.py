"""/kinerja with figures in a real browser at phone width: no axe finding, no page-wide scrolling,
the table's caption and the service column readable (the public sweep sees the page before any
snapshot exists).
"""

from __future__ import annotations

from tests.browser.checks import axe_violations, fail_on, horizontal_overflow
from tests.browser.records import create_ticket


def test_the_figures_table_at_375_px(site, new_page):
    for n in range(2):
        create_ticket(site, code="CRSM.01", email=f"warga{n}@satker.go.id", subject="Reset", detail="Akun terkunci.")
    result = site.app.test_cli_runner().invoke(args=["jobs", "run", "--only", "performance.refresh"])
    assert "angka kinerja" in result.output, result.output
    page, problems = new_page(375)
    response = page.goto(site.url("/kinerja"))
    assert response.status == 200
    fail_on([*problems.take(), *axe_violations(page), horizontal_overflow(page)], "/kinerja at 375 px")
    caption = page.locator('table[data-table="kinerja"] caption')
    assert caption.is_visible() and "per layanan" in caption.inner_text()
    header = page.locator('tr[data-code="CRSM.01"] th')
    box = header.bounding_box()
    assert header.is_visible() and box is not None and box["x"] >= 0 and box["x"] + 40 < 375
    assert page.locator('tr[data-code="CRSM.01"] [data-received]').inner_text() == "2"
    region = page.locator(".table-scroll")
    assert region.get_attribute("tabindex") == "0"  # the scrolled table is reachable by keyboard
