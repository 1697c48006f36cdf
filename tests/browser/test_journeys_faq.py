"""The FAQ written by the unit that knows the answer, in a real browser at 375 px.

An agent of Sekretariat DJPb writes an article (previewed, then saved as a draft) and submits it;
the unit's lead publishes it; a reader searches for it and opens it. Every step goes through
``Journey.check`` (axe: no serious or critical finding, no overflow, no console error). The
article is not found while it is a draft or in review.
"""

from __future__ import annotations

import pytest

from tests.browser.records import create_account
from tests.browser.test_journeys import heading, sign_in, start
from tests.browser.test_journeys_staff import flash

UNIT = "Sekretariat DJPb"  # owns BCSM.01
WRITER, LEAD = "penulis.faq@kemenkeu.go.id", "ketua.faq@kemenkeu.go.id"
WORD = "kudanilungu"  # a word no shipped article holds
TITLE = "Cara mengajukan konsultasi kudanilungu"


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory) -> str:
    """This module publishes: its portal builds an index of its own, the run's shared one stays as shipped."""
    return str(tmp_path_factory.mktemp("faq_journey_index"))


@pytest.fixture(scope="module")
def writers(site) -> None:
    """A writer (agent) and the lead of the unit that owns BCSM.01."""
    create_account(site, email=WRITER, role="agen", units=(UNIT,), name="Penulis FAQ")
    create_account(site, email=LEAD, role="ketua", units=(UNIT,), name="Ketua Sekretariat")


def _search(page, site) -> int:
    page.goto(site.url(f"/cari?q={WORD}"))
    return page.locator("ol.results > li.result-article").count()


def test_write_review_publish_and_find_at_375(site, writers, new_page):
    """Write → preview → draft → review → publish (a second person) → found by search → read."""
    j = start(new_page, "faq-tulis", 375)
    page = j.page
    sign_in(page, site, WRITER)
    page.goto(site.url("/staf/faq/"))
    assert heading(page) == "Artikel FAQ unit Anda"
    j.check("daftar")

    page.get_by_role("link", name="Tulis artikel baru").click()
    page.locator("#slug").fill("cara-konsultasi-kudanilungu")
    page.locator("#title").fill(TITLE)
    page.locator("#codes").fill("BCSM.01")
    page.locator("#tags").fill("konsultasi")
    page.locator("#synonyms").fill("tanya jawab")
    page.locator("#body").fill(f"## Langkah\n\n1. Buka portal.\n2. Pilih **{WORD}**.\n")
    page.locator("#note").fill("Tulisan pertama")
    page.get_by_role("button", name="Pratinjau").click()
    assert page.locator(".preview strong").inner_text() == WORD  # rendered on the server
    j.check("pratinjau")
    page.get_by_role("button", name="Simpan sebagai draf").click()
    assert flash(page) == "Draf disimpan."
    assert page.locator("[data-status]").get_attribute("data-status") == "draft"
    j.check("draf")

    page.get_by_role("button", name="Ajukan untuk ditinjau").click()
    assert flash(page) == "Artikel diajukan untuk ditinjau."
    j.check("ditinjau")

    reader = start(new_page, "faq-pembaca", 375)
    assert _search(reader.page, site) == 0  # in review: not public

    lead = start(new_page, "faq-terbit", 375)
    sign_in(lead.page, site, LEAD)
    lead.page.goto(site.url("/staf/faq/"))
    lead.page.get_by_role("link", name=TITLE).click()
    lead.page.get_by_role("button", name="Terbitkan").click()
    assert flash(lead.page) == "Artikel diterbitkan."
    assert lead.page.locator("[data-status]").get_attribute("data-status") == "published"
    lead.check("terbit")

    assert _search(reader.page, site) == 1
    reader.check("ditemukan")
    reader.page.locator("ol.results > li.result-article a").first.click()
    assert heading(reader.page) == TITLE and WORD in reader.page.locator("main").inner_text()
    assert "?" not in reader.page.url  # opened through the result link, shown at its clean URL
    reader.check("artikel")
