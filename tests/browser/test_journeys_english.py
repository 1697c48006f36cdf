"""The three public flows in English at phone width (issue 22): FAQ search and article, a request
and its status, SIAP's report form. The visitor's browser asks for Indonesian; they switch with the
header's plain link, and the choice (a cookie) holds on every later page.

Every step goes through ``Journey.check`` (screenshot, no sideways scrolling, no console error, no
serious or critical axe finding).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.checks import AxeCopy
from tests.browser.records import REFERENCE, letters
from tests.browser.support import SEARCHES
from tests.browser.test_journeys import heading, start
from tests.browser.test_journeys_siap import SiapJourney, secretariat  # noqa: F401  (the fixture)

WIDTH = 375
CODE = "BCSM.02.01"
DUE_TEXT = re.compile(r"^\w+, \d{1,2} \w+ \d{4} at \d{2}:\d{2} WIB$")


def to_english(page, site) -> None:
    """Follow the header's language link from the home page; the page comes back in English."""
    page.goto(site.url("/"))
    assert page.locator("html").get_attribute("lang") == "id"
    page.locator(".site-header").get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == "How can we help?"


def test_faq_search_and_article_in_english(site, new_page):
    j = start(new_page, "en-faq", WIDTH)
    page = j.page
    to_english(page, site)
    j.check("home")
    page.goto(site.url("/layanan"))
    header = page.locator(".site-header form[role=search]")
    header.get_by_role("searchbox").fill(SEARCHES["hasil"])
    header.get_by_role("button", name="Search").click()
    assert heading(page) == "Search"
    expect(page.locator("ol.results > li").first).to_be_visible()
    j.check("results")

    page.locator("ol.results > li.result-article a").first.click()
    expect(page.get_by_text("This article is available in Indonesian only.")).to_be_visible()
    assert page.locator(".article-body").get_attribute("lang") == "id"
    j.check("article")
    page.locator("#umpan-balik").get_by_role("button", name="Yes").click()
    expect(page.get_by_role("status").get_by_text("Thank you for your feedback.")).to_be_visible()
    j.check("thanks")


def test_request_and_status_in_english(site, new_page):
    email = "supplier.en@example.com"
    j = start(new_page, "en-request", WIDTH)
    page = j.page
    to_english(page, site)
    page.goto(site.url(f"/layanan/{CODE}"))
    assert "(technical treasury consultation)" in heading(page) or CODE in heading(page)
    page.get_by_role("link", name="Submit a service request", exact=True).click()
    j.check("choose")
    page.locator(f"a[href$='/permintaan/{CODE}/pembuatan-tiket']").click()
    j.check("form")

    page.get_by_role("button", name="Send the request").click()  # empty: the messages in English
    expect(page.get_by_text("Please check the following fields:")).to_be_visible()
    assert "This field is required." in page.locator("main").inner_text()
    assert "wajib" not in page.locator("main").inner_text()
    assert j.problems.take(error_page=page.url) == []  # Chromium logs the form's own 422; nothing else
    j.check("errors")

    page.locator("#pengguna").select_option("1")
    page.locator("#nama").fill("Jane Supplier")
    page.locator("#email").fill(email)
    page.locator("#kode_satker").fill("123456")
    page.locator("#subjek").fill("Cancelling a salary SP2D")
    page.locator("#detail").fill("The SP2D was issued to the wrong account. How do I cancel it?")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r".*/status/HAI-[^?]+\?baru=1$"))
    assert heading(page) == "Your request has been received"
    reference = page.locator("[data-reference]").inner_text().strip()
    assert REFERENCE.match(reference)
    due = page.locator("[data-due]").inner_text().strip()
    assert DUE_TEXT.match(due), due
    j.check("received")
    [letter] = letters(site, email, reference)
    assert letter["Subject"].endswith("Your request has been received")
    assert f"Expected completion: {due}" in letter.get_content()

    page.locator("nav.site-nav").get_by_role("link", name="Check Status").click()
    assert heading(page) == "Check ticket status"
    page.get_by_label("Ticket number").fill(reference)
    page.get_by_label("E-mail address (optional)").fill(email)
    page.locator("main").get_by_role("button", name="Check status").click()
    assert heading(page) == f"Ticket {reference}"
    j.check("status")


def test_siap_report_form_in_english(site, secretariat, new_page):  # noqa: F811
    axe_copy = AxeCopy(new_page(WIDTH, bypass_csp=True)[0])
    j = SiapJourney.open(new_page, "en-siap", WIDTH, axe_copy)
    page = j.page
    to_english(page, site)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Complaints (SIAP)").click()
    assert heading(page) == "Complaint Service (SIAP)"
    expect(page.get_by_text("Only the DJPb Secretariat.")).to_be_visible()
    j.check("home")
    page.get_by_role("link", name="Make a complaint").click()
    assert heading(page) == "Make a complaint"
    assert page.get_by_label("I want to remain anonymous").is_checked()
    j.check("form")
    page.get_by_role("button", name="Send the complaint").click()  # empty: refused, explained in English
    assert heading(page) == "Make a complaint"
    assert "wajib" not in page.locator("main").inner_text()
    assert "Write briefly what happened." in page.locator("main").inner_text()
    assert j.problems.take(error_page=page.url) == []  # Chromium logs the form's own 4xx; nothing else
    j.check("errors")
