"""A satker on a phone who opens an ITSM.01.04 article or request page sees where to go before any form.

The matrix closes ITSM.01 to user type 1 (Satker); the page must show the catalog's own routes (A.2's
CSO at KPPN/Kanwil and HAI-CSO in OM SPAN, CRSM.01, BCSM.02) above anything to fill in.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import start

CODE = "ITSM.01.04"


def routes_come_first(page, form_selector: str) -> None:
    """The routes block is visible, names the satker and the CSO route, and sits above the form."""
    routes = page.locator("[data-closed-routes]")
    expect(routes).to_be_visible()
    assert routes.locator("[data-closed-type='1']").count() == 1
    assert "Menu HAI-CSO pada aplikasi OMSPAN" in routes.locator("[data-route='cso']").inner_text()
    assert routes.locator("[data-route='CRSM.01'] a").get_attribute("href").endswith("/layanan/CRSM.01")
    assert routes.locator("[data-route='BCSM.02']").count() == 1
    top = routes.bounding_box()["y"]
    form = page.locator(form_selector).first
    assert top < form.bounding_box()["y"], "the routes must come before anything to fill in"


@pytest.mark.parametrize("width", [375])
def test_satker_sees_the_way_on_article_and_request_pages(site, new_page, width):
    j = start(new_page, "rute-tertutup", width)
    page = j.page
    article = site.app.extensions["kb"].for_code(CODE)[0]
    page.goto(site.url(f"/faq/{article.folder}/{article.slug}"))
    routes_come_first(page, "#umpan-balik form")
    j.check("artikel")

    page.goto(site.url(f"/permintaan/{CODE}"))
    routes_come_first(page, "section[aria-labelledby=pilih-jenis]")
    j.check("pilih-jenis")

    page.goto(site.url(f"/permintaan/{CODE}/pembuatan-tiket"))
    routes_come_first(page, "form.form")
    assert page.locator("#pengguna").input_value() == "", "nothing is filled in for the reader"
    j.check("formulir")
