"""The header's language link, the cookie that remembers it, Accept-Language, <html lang>, caching."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def html_lang(page: str) -> str:
    return re.search(r'<html lang="(\w+)">', page).group(1)


def test_indonesian_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert html_lang(page) == "id" and "Ada yang bisa kami bantu?" in page
    assert '<a href="/bahasa/en?next=/" lang="en" hreflang="en">English</a>' in page


def test_accept_language_sets_the_default(client):
    page = client.get("/", headers=ENGLISH).get_data(as_text=True)
    assert html_lang(page) == "en" and "How can we help?" in page
    assert '<a href="/bahasa/id?next=/" lang="id" hreflang="id">Bahasa Indonesia</a>' in page
    assert {"Accept-Language", "Cookie"} <= set(client.get("/").vary)  # a shared cache keeps one copy per language
    other = client.get("/", headers={"Accept-Language": "fr-FR, de;q=0.8"}).get_data(as_text=True)
    assert html_lang(other) == "id"


def test_the_link_remembers_the_choice_over_accept_language(client):
    response = client.get("/bahasa/en?next=/layanan?pengguna=1")
    assert response.status_code == 303 and response.headers["Location"] == "/layanan?pengguna=1"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("bahasa=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie
    assert html_lang(client.get("/layanan").get_data(as_text=True)) == "en"
    client.get("/bahasa/id?next=/")
    assert html_lang(client.get("/layanan", headers=ENGLISH).get_data(as_text=True)) == "id"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""]
)
def test_the_link_never_leaves_the_site(client, target):
    response = client.get("/bahasa/en", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_an_unknown_language_is_a_404(client):
    assert client.get("/bahasa/fr?next=/").status_code == 404


def test_the_link_leaves_a_private_token_out(app, client):
    with app.test_request_context("/status/HAI-1?t=rahasia&x=1"):
        from portal.i18n.views import switch_url

        assert "rahasia" not in switch_url("en") and "x%3D1" in switch_url("en")


def test_cached_pages_are_kept_per_language(make_app):
    app = make_app(PAGE_CACHE=True)
    client = app.test_client()
    assert "Katalog Layanan" in client.get("/layanan").get_data(as_text=True)
    english = client.get("/layanan", headers=ENGLISH).get_data(as_text=True)
    assert html_lang(english) == "en" and "Service Catalog" in english
    assert html_lang(client.get("/layanan").get_data(as_text=True)) == "id"


def test_catalog_names_stay_as_published_with_an_english_gloss(client):
    english = client.get("/layanan/ITSM.01", headers=ENGLISH).get_data(as_text=True)
    assert '<span lang="id">Layanan Aplikasi</span> (application services)' in english
    assert 'data-fact="definition" lang="id"' in english  # the published text, read as Indonesian
    indonesian = client.get("/layanan/ITSM.01").get_data(as_text=True)
    assert "(application services)" not in indonesian and "Layanan Aplikasi" in indonesian
    assert 'data-fact="definition">' in indonesian


@pytest.mark.parametrize("path", ["/", "/layanan", "/permintaan"])
def test_family_headings_carry_one_bracket_in_english(client, path):
    """The family code leads its heading, so the English gloss is the only bracket in it
    ("BCSM Layanan Konsultasi (consultation services)", not "... (consultation services) (BCSM)")."""
    page = BeautifulSoup(client.get(path, headers=ENGLISH).get_data(as_text=True), "html.parser")
    headings = [h.get_text(" ", strip=True) for h in page.select("[id^=kelompok-], [id^=minta-]")]
    assert headings, "the page lists the service families"
    for text in headings:
        assert text.count("(") <= 1, text
    assert any(text.startswith("BCSM ") and "(consultation services)" in text for text in headings)


def test_faq_articles_in_indonesian_say_so_in_english(client):
    index = client.get("/faq").get_data(as_text=True)
    url = re.search(r'href="(/faq/[A-Z]{4}\.\d\d[.\d]*/[a-z0-9-]+)"', index) or re.search(
        r'href="(/faq/[A-Z]{4}\.\d\d[.\d]*)"', index
    )
    code_page = client.get(url.group(1)).get_data(as_text=True)
    article = re.search(r'href="(/faq/[A-Z]{4}\.\d\d[.\d]*/[a-z0-9-]+)"', code_page).group(1)
    english = client.get(article, headers=ENGLISH).get_data(as_text=True)
    assert "This article is available in Indonesian only." in english
    assert '<div class="article-body" lang="id">' in english
    indonesian = client.get(article).get_data(as_text=True)
    assert "data-language-note" not in indonesian and '<div class="article-body">' in indonesian


def test_on_siap_pages_the_switch_stays_under_siap_where_no_log_names_it(client):
    from portal.siap import privacy

    page = client.get("/siap/").get_data(as_text=True)
    href = re.search(r'<p class="language-switch"><a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert href == "/siap/bahasa/en?next=/siap/"
    assert privacy.names_siap(f'"GET {href} HTTP/1.1" 303 -')  # the SIAP log filters drop its request line
    response = client.get(href)
    assert response.status_code == 303 and response.headers["Location"] == "/siap/"
    assert response.headers["Content-Security-Policy"] == privacy.CSP  # served as a SIAP response
    assert html_lang(client.get("/siap/").get_data(as_text=True)) == "en"
    # Elsewhere the link never names SIAP; from under /siap it never leads out of it.
    assert client.get("/siap/bahasa/id?next=/layanan").headers["Location"] == "/siap"
    home = client.get("/").get_data(as_text=True)
    assert "siap" not in re.search(r'class="language-switch"><a href="([^"]+)"', home).group(1)
