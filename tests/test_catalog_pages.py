"""Every catalog page shows the facts of the data file."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.catalog_facts import all_codes, matrix_open, node_data, service_data


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(el):
    return " ".join(el.get_text(" ").split())


@pytest.mark.parametrize("code", all_codes())
def test_detail_page_shows_facts(client, catalog_data, code):
    response = client.get(f"/layanan/{code}")
    assert response.status_code == 200
    page = soup(response)
    node = node_data(catalog_data, code)
    service = service_data(catalog_data, code)
    assert code in text(page.find("h1")) and node["name"] in text(page.find("h1"))
    assert text(page.select_one('[data-fact="definition"]')) == service["definition"]
    assert text(page.select_one('[data-fact="audience"]')) == service["audience"]
    assert service["owner"] in text(page.select_one('[data-fact="owner"]'))
    assert service["norm_text"] in text(page.select_one('[data-fact="norm"]'))
    if service.get("limits"):
        assert text(page.select_one('[data-fact="limits"]')) == service["limits"]
    # Scope items, in order, exactly as published.
    if node is service and service.get("subscopes"):
        for sub in service["subscopes"]:
            shown = [text(li) for li in page.select(f'[data-scope="{sub["code"]}"] li')]
            assert shown == sub["items"]
    else:
        shown = [text(el) for el in page.select(f'[data-scope="{code}"] li, [data-scope="{code}"] p')]
        assert shown == node["items"]
    # Who may use it: the matrix row in words.
    eligible = [int(li["data-user-type"]) for li in page.select("[data-eligible] li")]
    assert eligible == matrix_open(catalog_data, service["code"])
    # Linked units that name this code (or its service / sub-scopes).
    wanted = {code, service["code"], *(s["code"] for s in service.get("subscopes", []))}
    if node is not service:
        wanted = {code, service["code"]}
    units = [u["name"] for u in catalog_data["linked_units"] if wanted & set(u["codes"])]
    shown_units = [text(li) for li in page.select("[data-linked-units] li")]
    assert len(shown_units) == len(units)
    assert all(shown.startswith(name) for shown, name in zip(shown_units, units, strict=True))
    exclusions = [text(li) for li in page.select("[data-exclusions] li")]
    assert exclusions == catalog_data["exclusions"]["items"]


@pytest.mark.parametrize("user_type", range(1, 12))
def test_filter_for_each_user_type_matches_matrix(client, catalog_data, user_type):
    page = soup(client.get(f"/layanan?pengguna={user_type}"))
    opened = [a.select_one(".code").get_text() for a in page.select('[data-state="open"] li a')]
    closed = [li.select_one(".code").get_text() for li in page.select('[data-state="closed"] > li')]
    expected_open = [s["code"] for s in catalog_data["services"] if user_type in matrix_open(catalog_data, s["code"])]
    assert opened == expected_open
    assert sorted(closed) == sorted({s["code"] for s in catalog_data["services"]} - set(expected_open))
    # Every closed service says why and offers something open instead.
    for li in page.select('[data-state="closed"] > li'):
        assert "Pengecualian Akses Layanan" in text(li)
        for link in li.select("a"):
            alt = link["href"].rsplit("/", 1)[1]
            assert user_type in matrix_open(catalog_data, alt)


def test_matrix_page_matches_data(client, catalog_data):
    page = soup(client.get("/layanan/matriks"))
    rows = page.select("table.matrix tbody tr")
    assert len(rows) == 12
    for row, service in zip(rows, catalog_data["services"], strict=True):
        assert row.th.a.get_text() == service["code"]
        cells = [int(td["data-open"]) for td in row.select("td")]
        expected = [1 if t == "o" else 0 for t in catalog_data["matrix"]["rows"][service["code"]].split()]
        assert cells == expected
    headers = page.select("table.matrix thead th[scope=col]")
    assert len(headers) == 12  # the service column and 11 user types


def test_catalog_index_lists_every_service_and_subscope(client):
    page = client.get("/layanan").get_data(as_text=True)
    for code in all_codes():
        assert f'href="/layanan/{code}"' in page


def test_home_has_chooser_families_and_channels(client, catalog_data):
    page = soup(client.get("/"))
    chooser = [a["href"] for a in page.select(".chooser a")]
    assert chooser == [f"/saya-adalah?pengguna={i}" for i in range(1, 12)]  # remembered, then listed
    families = [h.get_text() for h in page.select(".family h3")]
    assert len(families) == 6
    for channel in catalog_data["channels"]:
        assert channel["name"] in page.get_text()


@pytest.mark.parametrize("code", ["BCSM.99", "XXXX.01", "BCSM.02.07", "%3Cscript%3E"])
def test_unknown_code_gives_indonesian_404(client, code):
    response = client.get(f"/layanan/{code}")
    assert response.status_code == 404
    page = soup(response)
    assert "Halaman tidak ditemukan" in page.h1.get_text()
    assert page.find("a", href="/layanan")


def test_lowercase_code_redirects_to_canonical(client):
    response = client.get("/layanan/bcsm.02.01")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/layanan/BCSM.02.01")


@pytest.mark.parametrize("value", ["0", "12", "abc", "1e3", "-1", "99999999999"])
def test_bad_user_type_is_explained(client, value):
    response = client.get(f"/layanan?pengguna={value}")
    assert response.status_code == 400
    assert "tidak dikenal" in response.get_data(as_text=True)
