"""A request form sent with mistakes: the errors are announced, tied to their fields, and nothing typed is lost.

The server's checks, not the browser's: the values pass the browser's own validation (``required``,
``type=email``) and fail the portal's, so the page that comes back is the portal's error page.
"""

from __future__ import annotations

import pytest

from tests.browser.test_journeys import WIDTHS, start
from tests.browser.test_journeys_requests import DETAIL, FORM, SUBJECT

LABELLED = """() => [...document.querySelectorAll('main form input, main form select, main form textarea')]
    .filter(e => e.type !== 'hidden' && e.type !== 'submit')
    .filter(e => !(e.labels && e.labels.length) && !e.closest('fieldset')?.querySelector('legend'))
    .map(e => e.id || e.name)"""


@pytest.mark.parametrize("width", WIDTHS)
def test_server_side_errors_are_announced_and_tied_to_their_fields(site, new_page, width):
    """role=alert summary linking to each field; aria-invalid + aria-describedby on the field; values kept."""
    j = start(new_page, "galat-formulir", width)
    page = j.page
    page.goto(site.url(FORM))
    assert page.evaluate(LABELLED) == [], "every field needs a label"
    page.locator("#pengguna").select_option("1")
    page.locator("#nama").fill("Rina Kusuma")
    page.locator("#email").fill("rina@satker")  # valid for the browser, no domain for the portal
    page.locator("#kode_satker").fill("12")  # a Kode Satker has six digits
    page.locator("#subjek").fill(SUBJECT)
    page.locator("#detail").fill(DETAIL)
    page.locator("button[value=kirim]").click()
    page.wait_for_load_state()

    summary = page.locator("#ringkasan-galat")
    assert summary.get_attribute("role") == "alert" and summary.is_visible()
    links = summary.locator("a").evaluate_all("(as) => as.map(a => a.getAttribute('href'))")
    assert {"#email", "#kode_satker"} <= set(links), links
    for field in ("email", "kode_satker"):
        box = page.locator(f"#{field}")
        assert box.get_attribute("aria-invalid") == "true"
        described = (box.get_attribute("aria-describedby") or "").split()
        assert f"{field}-galat" in described
        assert page.locator(f"#{field}-galat").inner_text().strip(), f"{field}: the error must say what is wrong"
    assert page.locator("#nama").input_value() == "Rina Kusuma"  # nothing typed is lost
    assert page.locator("#detail").input_value() == DETAIL
    assert page.locator("#email").input_value() == "rina@satker"
    assert page.evaluate(LABELLED) == []
    # The page answers 422 (which Chromium logs for the document itself); anything else is a problem.
    assert j.problems.take(error_page=page.url) == []
    j.check("galat")
    summary.locator("a[href='#email']").click()
    assert page.evaluate("() => document.activeElement.id") == "email", "the summary's link must reach the field"
