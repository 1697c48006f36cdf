"""FAQ pages, feedback and the search page."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.kb.models import ArticleFeedback, SearchMiss


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_faq_index_lists_every_code(client, app):
    page = client.get("/faq").get_data(as_text=True)
    for code in app.extensions["catalog"].nodes:
        assert f'href="/faq/{code}"' in page


def test_code_page_lists_its_articles(client, app):
    kb = app.extensions["kb"]
    page = soup(client.get("/faq/BCSM.02.01"))
    links = {a["href"] for a in page.select(".article-list a")}
    assert {f"/faq/BCSM.02.01/{a.slug}" for a in kb.for_code("BCSM.02.01")} <= links
    service_page = client.get("/faq/BCSM.02").get_data(as_text=True)
    assert 'href="/faq/BCSM.02.06"' in service_page


def test_catalog_page_links_to_its_faq(client):
    assert 'href="/faq/ITSM.01.04"' in client.get("/layanan/ITSM.01.04").get_data(as_text=True)


def test_article_page(client, app):
    article = app.extensions["kb"].for_code("ITSM.01.04")[0]
    response = client.get(f"/faq/ITSM.01.04/{article.slug}")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == article.title
    crumbs = [li.get_text(" ", strip=True) for li in page.select(".breadcrumbs li")]
    assert crumbs[1] == "FAQ" and crumbs[2].startswith("ITSM.01") and crumbs[3].startswith("ITSM.01.04")
    assert page.find("legend").get_text() == "Apakah artikel ini membantu?"
    assert page.find(id="masih-butuh-bantuan")


@pytest.mark.parametrize("path", ["/faq/XXXX.01", "/faq/BCSM.02.01/tidak-ada", "/faq/ITSM.02/"])
def test_unknown_faq_paths_404(client, path):
    assert client.get(path).status_code == 404


def test_article_under_wrong_code_404(client, app):
    article = app.extensions["kb"].for_code("ITSM.02")[0]
    assert client.get(f"/faq/BMSM.01/{article.slug}").status_code == 404


def test_feedback_is_counted_without_personal_data(client, app):
    article = app.extensions["kb"].for_code("ITSM.02")[0]
    url = f"/faq/ITSM.02/{article.slug}/umpan-balik"
    for answer in ("ya", "ya", "tidak"):
        response = client.post(url, data={"helpful": answer}, headers={"User-Agent": "sentinel-agent"})
        step = "terima-kasih" if answer == "ya" else "tidak"
        assert response.headers["Location"].endswith(f"/faq/ITSM.02/{article.slug}?umpan-balik={step}#umpan-balik")
    with app.app_context():
        rows = db.session.scalars(select(ArticleFeedback)).all()
        assert sorted((r.helpful, r.count) for r in rows) == [(False, 1), (True, 2)]
        assert set(ArticleFeedback.__table__.columns.keys()) == {"id", "slug", "day", "helpful", "count"}


def test_after_tidak_the_page_asks_in_place_what_was_missing_then_thanks(client, app):
    from portal.kb.models import ArticleMissing

    article = app.extensions["kb"].for_code("ITSM.02")[0]
    base = f"/faq/ITSM.02/{article.slug}"
    asked = client.get(client.post(f"{base}/umpan-balik", data={"helpful": "tidak"}).headers["Location"])
    section = soup(asked).select_one("#umpan-balik")
    assert section["data-feedback-step"] == "tidak"
    form = section.select_one("form")
    assert form["action"] == f"{base}/kurang" and form.select_one("textarea[name=kurang]") is not None
    long_text = "Tidak ada   contoh\nlangkah di SAKTI. " + "x" * 400
    thanked = client.post(f"{base}/kurang", data={"kurang": long_text})
    assert thanked.headers["Location"].endswith(f"{base}?umpan-balik=terima-kasih#umpan-balik")
    client.post(f"{base}/kurang", data={"kurang": "   "})  # optional: nothing typed, nothing stored
    page = soup(client.get(thanked.headers["Location"]))
    assert page.select_one("#umpan-balik [role=status]").get_text() == "Terima kasih atas masukan Anda."
    with app.app_context():
        rows = db.session.scalars(select(ArticleMissing)).all()
        assert [(r.slug, r.count) for r in rows] == [(article.slug, 1)]
        assert rows[0].text.startswith("Tidak ada contoh langkah di SAKTI. x") and len(rows[0].text) == 300
        from portal.kb.service import missing_notes

        assert missing_notes(db.session(), rows[0].day)[0][:2] == (article.slug, rows[0].text)


def test_feedback_rejects_nonsense(client, app):
    article = app.extensions["kb"].for_code("ITSM.02")[0]
    response = client.post(f"/faq/ITSM.02/{article.slug}/umpan-balik", data={"helpful": "mungkin"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ArticleFeedback)).all() == []


def test_feedback_needs_csrf(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    article = app.extensions["kb"].for_code("ITSM.02")[0]
    response = app.test_client().post(f"/faq/ITSM.02/{article.slug}/umpan-balik", data={"helpful": "ya"})
    assert response.status_code == 400


def test_search_page_shows_results_and_filters(client):
    page = soup(client.get("/cari?q=pembatalan+SP2D"))
    results = page.select("ol.results > li")
    assert results
    urls = [li.a["href"] for li in results]
    assert any(u.startswith("/faq/BCSM.02.01/") for u in urls)
    assert any(u.startswith("/layanan/BCSM.02.01") for u in urls), "the catalog is indexed too"
    filtered = soup(client.get("/cari?q=pembatalan+SP2D&layanan=CRSM"))
    for li in filtered.select("ol.results > li"):
        assert "CRSM.01" in li.select_one(".kind").get_text()


def test_search_query_with_markup_is_harmless(client):
    body = client.get("/cari?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+SP2D").get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;" in body


def test_search_highlights_are_escaped_marks(client):
    page = soup(client.get("/cari?q=SP2D"))
    snippets = page.select(".snippet")
    assert snippets and any(s.find("mark") for s in snippets)
    for s in snippets:
        assert {t.name for t in s.find_all(True)} <= {"mark"}


def test_empty_and_oversized_queries(client):
    assert client.get("/cari").status_code == 200
    response = client.get("/cari?q=" + "a" * 201)
    assert response.status_code == 400
    assert "terlalu panjang" in response.get_data(as_text=True)


def test_nothing_found_is_recorded_and_helped(client, app):
    response = client.get("/cari?q=Zyzzyva+Qwertyuiop")
    page = response.get_data(as_text=True)
    assert "Tidak ditemukan hasil" in page
    client.get("/cari?q=zyzzyva   qwertyuiop")
    with app.app_context():
        rows = db.session.scalars(select(SearchMiss)).all()
        assert [(r.query, r.count) for r in rows] == [("zyzzyva qwertyuiop", 2)]


def test_search_box_in_layout_goes_to_search(client):
    form = soup(client.get("/layanan")).select_one("header form[role=search]")
    assert form["action"] == "/cari" and form.input["name"] == "q"


def test_paging(client):
    first = soup(client.get("/cari?q=layanan"))
    next_link = first.select_one('a[rel="next"]')
    assert next_link
    second = soup(client.get(next_link["href"]))
    assert second.select_one('a[rel="prev"]')
    assert [a["href"] for a in first.select("ol.results a")] != [a["href"] for a in second.select("ol.results a")]
    assert re.search(r"halaman=2", next_link["href"])


@pytest.mark.parametrize("query", ["spm ditolak", "qwzxv tidak ada"])
def test_search_results_end_with_asking_the_desk(client, query):
    # Results that do not answer, or none at all: the page's next step is to ask the desk.
    page = BeautifulSoup(client.get("/cari", query_string={"q": query}).get_data(as_text=True), "html.parser")
    step = page.select_one("a[data-next-step]")
    assert step is not None and step["href"] == "/permintaan" and "button-primary" in step["class"]
