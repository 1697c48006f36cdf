"""Issue 17, "Articles answer first": every article leads with the catalog's answer for its code,
the FAQ text does not repeat itself, one term for the user types, and nothing is invented."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from portal.kb.loader import load_knowledge_base

KB = Path(__file__).resolve().parent.parent / "kb"
REPEAT_LIMIT = 0.05  # share of an article's text in paragraphs that another article also has


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, white space folded; headings do not count."""
    blocks = (" ".join(b.split()) for b in re.split(r"\n\s*\n", text))
    return [b for b in blocks if b and not b.startswith("#")]


def body(path: Path) -> str:
    """The Markdown of an article, without its front matter."""
    return path.read_text(encoding="utf-8").split("+++", 2)[2]


def test_every_article_leads_with_the_catalog_answer(client, app):
    """Owner, norma waktu, requirements (G.2 and B.2), exclusions (G.1), linked units (F), the CSO
    route (A.2) and the form button, exactly as the catalog publishes them, before the body."""
    catalog = app.extensions["catalog"]
    for article in app.extensions["kb"].articles:
        code = article.folder
        node, service = catalog.get(code), catalog.service_of(code)
        page = BeautifulSoup(client.get(f"/faq/{code}/{article.slug}").get_data(as_text=True), "html.parser")
        lead = page.select_one(f'[data-catalog-answer="{code}"]')
        assert lead is not None, article.slug
        assert lead.find_next_sibling(class_="article-body") is not None  # the lead comes first
        text = " ".join(lead.get_text(" ").split())
        assert lead.select_one('[data-fact="owner"]').get_text(strip=True) == (
            getattr(node, "owner_unit", "") or service.owner
        )
        assert service.norm_text in lead.select_one('[data-fact="norm"]').get_text()
        assert all(item.text in text for item in catalog.requirements)
        assert all(" ".join(item.split()) in text for item in catalog.exclusions)
        assert [u.name for u in catalog.linked_units_for(code)] == [
            li.get_text(strip=True) for li in lead.select("[data-linked-units] li")
        ]
        cso = next(m for m in catalog.mechanisms if m.number == 2)
        assert " ".join(cso.description.split()) in text
        button = lead.select_one("[data-form-button]")
        assert button["href"] == f"/permintaan/{code}/pembuatan-tiket", article.slug


def test_the_form_button_opens_the_exact_form(client, app):
    article = app.extensions["kb"].for_code("CRSM.01")[0]
    page = BeautifulSoup(client.get(f"/faq/CRSM.01/{article.slug}").get_data(as_text=True), "html.parser")
    hrefs = [a["href"] for a in page.select(".catalog-answer a[href^='/permintaan/']")]
    assert "/permintaan/CRSM.01/informasi-sp2d" in hrefs  # B.2 b, specific form of this code
    for href in hrefs:
        assert client.get(href).status_code == 200, href
    requirements = page.select_one("[data-request-data]").get_text(" ")
    assert "Nomor SP2D" in requirements and "Nomor Rekening penerima" in requirements


def test_no_article_repeats_another_articles_paragraphs():
    kb = load_knowledge_base(KB)
    owners: dict[str, set[str]] = defaultdict(set)
    texts = {a.slug: paragraphs(body(KB / a.folder / f"{a.slug}.md")) for a in kb.articles}
    for slug, blocks in texts.items():
        for block in blocks:
            owners[block].add(slug)
    worst = []
    for slug, blocks in texts.items():
        total = sum(map(len, blocks))
        repeated = sum(len(b) for b in blocks if len(owners[b]) > 1)
        if repeated > REPEAT_LIMIT * total:
            worst.append((slug, round(repeated / total, 2)))
    assert worst == []


@pytest.mark.parametrize("banned", ["tipe pengguna", "pengguna tipe", "tipe 8", "tipe 9"])
def test_one_term_for_the_user_types(banned):
    for path in KB.rglob("*.md"):
        assert banned not in path.read_text(encoding="utf-8").lower(), path


# Only what the catalog publishes (kb/README.md): its phone numbers, URLs/hosts and regulations.
ALLOWED_NUMBERS = {"14090", "+6287877114090", "6287877114090"}
ALLOWED_HOSTS = {"hai.kemenkeu.go.id", "djpb.kemenkeu.go.id", "www.facebook.com/hai.djpb", "digit.kemenkeu.go.id"}
ALLOWED_REGULATIONS = {"221/PMK.01/2021", "200/PMK.01/2016"}


def test_articles_invent_no_phone_number_url_or_regulation():
    for path in KB.rglob("*.md"):
        if path.name == "README.md":
            continue
        text = path.read_text(encoding="utf-8").split("+++", 2)[2]  # the body, not the dates above it
        for number in re.findall(r"\+?\d[\d -]{6,}\d", text):
            assert number.replace(" ", "").replace("-", "") in ALLOWED_NUMBERS, (path, number)
        for address in re.findall(r"[\w.]+@[\w.-]*\w", text):
            assert address == "hai.djpb@kemenkeu.go.id", (path, address)
        text = text.replace("hai.djpb@kemenkeu.go.id", "")
        for host in re.findall(r"(?:https?://)?((?:[a-z0-9-]+\.)+(?:go\.id|com|id|org|net)(?:/[\w.]*\w)?)", text):
            assert host in ALLOWED_HOSTS, (path, host)
        for regulation in re.findall(r"\d+/PMK[.\d]*/\d{4}|PER-\d+/PB/\d{4}", text):
            assert regulation in ALLOWED_REGULATIONS, (path, regulation)


def test_a_reader_whose_user_type_the_code_is_closed_to_gets_the_other_routes_not_the_form(client):
    article = "/faq/ITSM.01.04/cek-status-spm-sakti-dan-monsakti"  # ITSM.01.04 is closed to Satker (1)
    assert 'data-form-button' in client.get(article).get_data(as_text=True)  # nobody chosen yet
    client.get("/saya-adalah?pengguna=1")
    page = BeautifulSoup(client.get(article).get_data(as_text=True), "html.parser")
    assert page.select_one("[data-form-button]") is None
    assert len(page.select('[data-closed-for-you="1"]')) == 1  # said once, in the routes section above
    step = page.select_one(".catalog-answer .next-step a")
    assert step["href"] == "#rute-lain" and "button-primary" in step["class"]
    assert page.select_one("#rute-lain") is not None
