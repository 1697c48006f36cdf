"""The satker operator on a phone: home → "Ajukan permintaan" → the right form, with her type preselected.

She says once who she is ("Saya adalah …"); the start page then lists only what is open to a satker
(ITSM.01, closed to her by the matrix, is named with its other routes), and the form she reaches
already says "Satker". Every step: no overflow at 375 px, no console error, axe 0 serious/critical.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import start


def _above_the_fold(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("width", [375])
def test_satker_operator_reaches_the_right_form(site, new_page, width):
    j = start(new_page, "mulai-permintaan", width)
    page = j.page
    page.goto(site.url("/"))
    cta = page.locator("[data-cta]")
    ask, status = cta.get_by_role("link", name="Ajukan permintaan"), cta.get_by_role("link", name="Cek status")
    assert _above_the_fold(page, ask) and _above_the_fold(page, status), "both buttons above the fold"
    assert page.locator("form[role=search]").count() == 1, "one search box on home"
    j.check("beranda")

    satker = site.app.extensions["catalog"].user_type(1)
    page.locator(".chooser").get_by_role("link", name=satker.name).click()
    page.wait_for_url(site.url("/layanan?pengguna=1"))
    j.check("saya-adalah")

    page.goto(site.url("/layanan/BCSM.02"))
    assert _above_the_fold(page, page.locator("[data-cta]").get_by_role("link", name="Ajukan permintaan"))
    page.goto(site.url("/"))
    page.locator("[data-cta]").get_by_role("link", name="Ajukan permintaan").click()
    page.wait_for_url(site.url("/permintaan"))
    assert satker.name in page.locator("[data-user-type]").inner_text()
    assert page.locator("[data-start-closed='ITSM.01']").is_visible(), "closed to her, and said so"
    assert page.locator("[data-start='ITSM.01']").count() == 0
    j.check("permintaan")

    page.locator("[data-start='BCSM.02'] a").click()
    page.wait_for_url(site.url("/permintaan/BCSM.02"))
    sub = page.locator("a[href^='/permintaan/BCSM.02.']")  # a sub-scope first, when the service has them
    if sub.count():
        sub.first.click()
        page.wait_for_url(re.compile(r".*/permintaan/BCSM\.02\.\d+$"))
    j.check("pilih-jenis")

    page.locator("a[href$='/pembuatan-tiket']").click()
    page.wait_for_url(re.compile(r".*/permintaan/BCSM\.02[.\d]*/pembuatan-tiket$"))
    assert page.locator("#pengguna").input_value() == "1", "asked once, preselected on the form"
    j.check("formulir")


def test_search_box_is_wide_at_1280(site, new_page):
    j = start(new_page, "cari-lebar", 1280)
    page = j.page
    page.goto(site.url("/cari?q=sp2d"))
    assert page.locator("#cari-q").bounding_box()["width"] >= 400
    j.check("cari")


def test_matrix_key_column_stays_in_view_at_375(site, new_page):
    j = start(new_page, "matriks-375", 375)
    page = j.page
    page.goto(site.url("/layanan/matriks"))
    expect(page.locator("[data-scroll-cue]")).to_be_visible()
    page.locator(".table-scroll").evaluate("el => el.scrollLeft = el.scrollWidth")
    first = page.locator(".matrix tbody th[scope=row]").first.bounding_box()
    assert first["x"] >= 0 and first["x"] < 40, "the service column stays at the left edge"
    j.check("matriks")
