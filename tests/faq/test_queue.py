"""The writing queue /staf/faq/antrean: what readers missed, grouped by code, closed by linking an article."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.faq.models import FaqQueueLink
from tests.faq.test_workflow import UNIT, _audit, _client

ARTICLE = "cakupan-konsultasi-dukungan-penyelenggaraan-fungsi-djpb"  # BCSM.01, Sekretariat DJPb
OTHER_UNIT = "Direktorat SITP"


def _items(client) -> list[tuple[str, str, str, str]]:
    """(group heading, kind, key, text) of every open item on the queue page."""
    page = BeautifulSoup(client.get("/staf/faq/antrean").get_data(as_text=True), "html.parser")
    found = []
    for section in page.select("section.queue-group"):
        heading = section.h2.get_text(strip=True)
        for li in section.select("ol.queue-items > li"):
            found.append((heading, li["data-kind"], li["data-key"], li.get_text(" ", strip=True)))
    return found


def test_the_three_sources_are_grouped_by_code_and_ranked_by_count(faq_app):
    reader = faq_app.test_client()
    for _ in range(3):
        reader.get("/cari?q=zzqxv+wwkkpj")
    reader.get("/cari?q=qqwertz")
    # Results (BCSM.01 articles) that nobody opens.
    page = reader.get("/cari?q=konsultasi&layanan=BCSM.01").get_data(as_text=True)
    assert f"/faq/BCSM.01/{ARTICLE}?dari=konsultasi" in page or "?dari=konsultasi" in page
    # "Tidak", with what was missing.
    reader.post(f"/faq/BCSM.01/{ARTICLE}/umpan-balik", data={"helpful": "tidak"})
    reader.post(f"/faq/BCSM.01/{ARTICLE}/kurang", data={"kurang": "Contoh surat permohonannya"})
    owner = _client(faq_app, "penulis@kemenkeu.go.id")
    items = _items(owner)
    keys = [(heading, kind, key) for heading, kind, key, _text in items]
    assert ("BCSM.01", "tak-dibuka", "konsultasi") in keys
    assert ("BCSM.01", "tidak", ARTICLE) in keys
    uncoded = [key for heading, kind, key in keys if kind == "kosong"]
    assert uncoded == ["zzqxv wwkkpj", "qqwertz"]  # ranked by count: 3 before 1
    note = next(text for _h, kind, _k, text in items if kind == "tidak")
    assert "Contoh surat permohonannya" in note and "1 kali" in note
    # Another unit sees the searches that found nothing (no code), not Sekretariat's items.
    other = _client(faq_app, "sitp@kemenkeu.go.id", units=(OTHER_UNIT,))
    other_kinds = {(kind, key) for _h, kind, key, _t in _items(other)}
    assert ("kosong", "qqwertz") in other_kinds and ("tidak", ARTICLE) not in other_kinds
    assert ("tak-dibuka", "konsultasi") not in other_kinds


def test_opening_a_result_takes_the_search_off_the_queue(faq_app):
    reader = faq_app.test_client()
    page = reader.get("/cari?q=konsultasi&layanan=BCSM.01").get_data(as_text=True)
    link = re.search(r'href="(/faq/BCSM\.01/[a-z0-9-]+\?dari=konsultasi)"', page).group(1)
    opened = reader.get(link)
    assert opened.status_code == 303 and "?" not in opened.headers["Location"]  # the clean URL
    owner = _client(faq_app, "penulis@kemenkeu.go.id")
    assert ("tak-dibuka", "konsultasi") not in {(k, key) for _h, k, key, _t in _items(owner)}


def test_linking_an_article_closes_the_item_once_with_an_audit_entry(faq_app):
    faq_app.test_client().get("/cari?q=qqwertz")
    owner = _client(faq_app, "penulis@kemenkeu.go.id", units=(UNIT,))
    close = {"kind": "kosong", "key": "qqwertz", "article": ARTICLE}
    # Another unit cannot link Sekretariat's article; a slug that is not published is refused.
    other = _client(faq_app, "sitp@kemenkeu.go.id", units=(OTHER_UNIT,))
    refused = other.post("/staf/faq/antrean/tutup", data=close, follow_redirects=True).get_data(as_text=True)
    assert "Pilih artikel terbit milik unit Anda" in refused
    owner.post("/staf/faq/antrean/tutup", data={**close, "article": "tidak-ada"})
    assert ("kosong", "qqwertz") in {(k, key) for _h, k, key, _t in _items(owner)}
    assert owner.post("/staf/faq/antrean/tutup", data=close).status_code == 303
    assert ("kosong", "qqwertz") not in {(k, key) for _h, k, key, _t in _items(owner)}
    again = owner.post("/staf/faq/antrean/tutup", data=close, follow_redirects=True).get_data(as_text=True)
    assert "sudah ditutup" in again
    with faq_app.app_context():
        [link] = db.session.scalars(select(FaqQueueLink)).all()
        assert (link.key, link.article_slug) == ("qqwertz", ARTICLE)
    [entry] = _audit(faq_app, "faq.queue_close")
    assert entry.actor_id is not None and entry.after["artikel"] == ARTICLE
    assert ARTICLE in owner.get("/staf/faq/antrean").get_data(as_text=True)  # under "Baru ditutup"
    # An unknown item or kind is refused without a 500.
    assert owner.post("/staf/faq/antrean/tutup", data={**close, "kind": "lain"}).status_code == 400
    page = owner.post("/staf/faq/antrean/tutup", data={**close, "key": "tak-pernah"}, follow_redirects=True)
    assert "tidak ditemukan" in page.get_data(as_text=True)
