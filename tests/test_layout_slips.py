"""Layout slips of issue #17: one search box on home, the /layanan intro, wide tables, README -p."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_home_and_search_page_have_one_search_box(client):
    for path in ("/", "/cari?q=sp2d", "/permintaan"):
        assert len(_soup(client.get(path)).select("form[role=search]")) == 1, path
    other = _soup(client.get("/layanan/ITSM.01")).select("header form[role=search] input[type=search]")
    assert len(other) == 1
    # The header box is about 12rem at 375 px: its placeholder must fit (was cut off).
    assert len(other[0]["placeholder"]) <= 22


def test_layanan_intro_is_followed_by_its_list(client, app):
    page = _soup(client.get("/layanan"))
    lead = page.select_one("p.lead")
    assert lead.get_text().rstrip().endswith("yaitu:")
    following = lead.find_next_sibling()
    assert following.name == "ol" and following.has_attr("data-intro-list")
    names = [m.name for m in app.extensions["catalog"].mechanisms]
    assert [li.strong.get_text() for li in following.select("li")] == names and names


def test_matrix_keeps_its_key_column_and_says_it_scrolls(client):
    page = _soup(client.get("/layanan/matriks"))
    assert page.select_one("[data-scroll-cue]") is not None
    css = (ROOT / "static/css/portal.css").read_text()
    assert '.matrix th[scope="row"], .queue th[scope="row"] { position: sticky; left: 0;' in css


def test_readme_step_a_mentions_p_when_port_5000_is_taken():
    readme = (ROOT / "README.md").read_text()
    step = readme[readme.index("(a) serves the portal") :][:300]
    assert "-p 5001" in step
