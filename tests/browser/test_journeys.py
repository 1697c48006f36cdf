"""What a person does on the portal, in a real browser, at phone and desktop width.

Every step saves ``tests/browser/artifacts/<journey>-<width>-<step>.png`` and checks that the page
does not scroll sideways, logs no console error (a CSP violation would) and has no serious or
critical axe-core finding.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.extensions import db
from portal.kb.models import ArticleFeedback
from tests.browser.checks import AxeCopy, Journey, focus_outline
from tests.browser.records import PASSWORD
from tests.browser.support import SEARCHES, url_ending

WIDTHS = [375, 1280]
THANKS = "Terima kasih atas masukan Anda."


def start(new_page, name: str, width: int, *, javascript: bool = True) -> Journey:
    """Open a fresh page for one journey."""
    page, problems = new_page(width, javascript=javascript)
    return Journey(page=page, problems=problems, name=name, width=width, javascript=javascript)


def sign_in(page, site, email: str, password: str = PASSWORD, *, open_form: bool = True) -> None:
    """Sign in through the form as a person does (opening it first unless already on it); wait for /staf/."""
    if open_form:
        page.goto(site.url("/staf/masuk"))
    page.get_by_label("Alamat e-mail").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.locator("main").get_by_role("button", name="Masuk").click()
    page.wait_for_url(site.url("/staf/"))


def heading(page) -> str:
    """The text of the page's h1."""
    return " ".join(page.locator("h1").first.inner_text().split())


def answers(site, slug: str, helpful: bool = True) -> int:
    """How many "Ya" (or "Tidak") answers the database holds for an article."""
    with site.app.app_context():
        total = db.session.scalar(
            select(func.coalesce(func.sum(ArticleFeedback.count), 0)).where(
                ArticleFeedback.slug == slug, ArticleFeedback.helpful.is_(helpful)
            )
        )
        db.session.remove()
        return total


@pytest.mark.parametrize("width", WIDTHS)
def test_browse_from_user_type_to_an_article(site, new_page, width):
    """Home → "Saya adalah …" → the catalog for that user type → a service → its FAQ → an article."""
    j = start(new_page, "telusuri", width)
    page = j.page
    page.goto(site.url("/"))
    j.check("beranda")

    chooser = page.locator("section[aria-labelledby=saya-adalah]")
    expect(chooser.get_by_role("heading", name="Saya adalah …")).to_be_visible()
    user_type = chooser.get_by_role("link").first
    user_name = user_type.inner_text().strip()
    user_type.click()
    assert heading(page) == f"Layanan untuk {user_name}"
    j.check("katalog-pengguna")

    service = page.locator("[data-state=open] a").first
    code = service.locator(".code").inner_text().strip()
    service.click()
    expect(page).to_have_url(url_ending(f"/layanan/{code}"))
    j.check("layanan")

    page.get_by_role("link", name=f"Baca FAQ {code}").click()
    expect(page).to_have_url(url_ending(f"/faq/{code}"))
    assert heading(page).startswith(f"FAQ {code}")
    j.check("faq")

    article = page.locator(".article-list a").first
    title = article.inner_text().strip()
    article.click()
    assert heading(page) == title
    expect(page.get_by_text("Apakah artikel ini membantu?")).to_be_visible()
    j.check("artikel")


@pytest.mark.parametrize("width", WIDTHS)
def test_search_read_and_rate_an_article(site, new_page, width):
    """Search from the header box, open the article, answer "Ya" (a CSRF-protected form), get thanked."""
    j = start(new_page, "cari", width)
    page = j.page
    page.goto(site.url("/layanan"))  # home has only its own, larger box (#17: one search box)
    header = page.locator(".site-header form[role=search]")
    header.get_by_role("searchbox").fill(SEARCHES["hasil"])
    header.get_by_role("button", name="Cari").click()
    assert page.url.startswith(site.url("/cari?"))
    expect(page.locator("ol.results > li").first).to_be_visible()  # waits for the results page
    j.check("hasil")

    result = page.locator("ol.results > li.result-article a").first
    title = result.inner_text().strip()
    result.click()
    assert heading(page) == title
    slug = page.url.rsplit("/", 1)[-1]
    j.check("artikel")

    before = answers(site, slug)
    assert page.locator("#umpan-balik input[name=csrf_token]").count() == 1, "the form must carry its CSRF token"
    page.locator("#umpan-balik").get_by_role("button", name="Ya").click()
    # The click returns once the answer's address is known, not once its page is there: wait for it.
    expect(page.get_by_role("status").get_by_text(THANKS)).to_be_visible()
    expect(page).to_have_url(url_ending("#umpan-balik"))
    assert answers(site, slug) == before + 1
    j.check("terima-kasih")


@pytest.mark.parametrize("width", WIDTHS)
def test_misspelt_search_is_corrected(site, new_page, width):
    """A typo shows results for the corrected spelling, and "Maksud Anda" when asked for the typo."""
    j = start(new_page, "ejaan", width)
    page = j.page
    page.goto(site.url("/"))
    hero = page.locator(".hero form[role=search]")
    hero.get_by_role("searchbox").fill(SEARCHES["koreksi"])
    hero.get_by_role("button", name="Cari").click()
    suggestion = page.locator(".suggestion")
    assert "diikuti hasil untuk" in suggestion.inner_text()  # its own results first, then these
    assert suggestion.locator("strong").inner_text() == "lupa password sakti"
    expect(page.locator("ol.results > li").first).to_be_visible()  # waits for the results page
    j.check("hasil-koreksi")

    suggestion.get_by_role("link", name=SEARCHES["koreksi"]).click()
    assert "persis=1" in page.url
    assert "Maksud Anda:" in page.locator(".suggestion").inner_text()
    j.check("maksud-anda")

    page.locator(".suggestion").get_by_role("link", name="lupa password sakti").click()
    assert page.locator("#cari-q").input_value() == "lupa password sakti"
    expect(page.locator("ol.results > li").first).to_be_visible()  # waits for the results page
    j.check("hasil")


def tab_to(page, selector: str, limit: int = 80) -> list[str]:
    """Press Tab until the element matching ``selector`` has focus; return focus problems on the way."""
    problems = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        problem = focus_outline(page)
        if problem:
            problems.append(problem)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return problems
    pytest.fail(f"{limit} presses of Tab never reached {selector} on {page.url}")


@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_only(site, new_page, width):
    """Skip link first; search, open a result and answer the feedback question without a mouse."""
    j = start(new_page, "keyboard", width)
    page = j.page
    page.goto(site.url("/"))
    page.keyboard.press("Tab")
    skip = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent.trim()]")
    assert skip == ["skip-link", "Langsung ke isi utama"], "the first Tab must reach the skip link"
    assert focus_outline(page) is None, focus_outline(page)
    assert page.locator(".skip-link").bounding_box()["x"] >= 0, "the focused skip link must be on screen"
    j.check("skip-link")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'isi'")
    expect(page).to_have_url(url_ending("#isi"))

    page.goto(site.url("/"))
    unseen = tab_to(page, "#cari-beranda")  # home's one search box
    page.keyboard.type(SEARCHES["hasil"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/cari\?"))
    expect(page.locator("ol.results > li").first).to_be_visible()  # waits for the results page
    j.check("hasil")

    unseen += tab_to(page, "ol.results > li.result-article a")
    title = page.evaluate("() => document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/faq/"))
    assert heading(page) == title
    j.check("artikel")

    unseen += tab_to(page, "#umpan-balik button[value=ya]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*#umpan-balik$"))
    expect(page.get_by_role("status").get_by_text(THANKS)).to_be_visible()
    j.check("terima-kasih")
    assert not unseen, "focus must be visible:\n" + "\n".join(dict.fromkeys(unseen))


@pytest.mark.parametrize("width", WIDTHS)
def test_search_and_feedback_without_javascript(site, new_page, width):
    """With JavaScript off the portal still searches and takes the feedback answer."""
    j = start(new_page, "tanpa-js", width, javascript=False)
    j.axe_copy = AxeCopy(new_page(width)[0])  # axe needs scripts: it checks a copy of each step
    page = j.page
    page.goto(site.url("/layanan"))  # home has only its own, larger box (#17: one search box)
    assert page.evaluate("() => 1") == 1  # Playwright's own probes still run
    header = page.locator(".site-header form[role=search]")
    header.get_by_role("searchbox").fill(SEARCHES["hasil"])
    header.get_by_role("button", name="Cari").click()
    expect(page.locator("ol.results > li").first).to_be_visible()  # waits for the results page
    j.check("hasil")

    page.locator("ol.results > li.result-article a").first.click()
    slug = page.url.rsplit("/", 1)[-1]
    j.check("artikel")

    before = answers(site, slug, helpful=False)
    page.locator("#umpan-balik").get_by_role("button", name="Tidak").click()
    # Asked in place, without JavaScript: the fragment keeps the reader at the question (#17).
    # The click returns once the POST is sent, so each step waits for the page it leads to
    # (the old address already ends in the same fragment) before looking at it.
    expect(page).to_have_url(re.compile(r".*\?umpan-balik=tidak#umpan-balik$"))
    missing = page.locator("#umpan-balik").get_by_label("Apa yang kurang dari artikel ini? (opsional)")
    expect(missing).to_be_visible()
    assert answers(site, slug, helpful=False) == before + 1
    j.check("apa-yang-kurang")
    missing.fill("Contoh layar SAKTI")
    page.locator("#umpan-balik").get_by_role("button", name="Kirim").click()
    expect(page).to_have_url(re.compile(r".*\?umpan-balik=terima-kasih#umpan-balik$"))
    thanks = page.locator("#umpan-balik").get_by_role("status").get_by_text(THANKS)
    expect(thanks).to_be_in_viewport(ratio=1)  # the thanks is where the reader is
    j.check("terima-kasih")
