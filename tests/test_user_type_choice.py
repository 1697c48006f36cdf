""""Saya adalah …" is asked once: remembered for the session, preselected on forms, cache-safe."""

from __future__ import annotations

import re


def _selected(body: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no select {name}"
    options = re.findall(r"<option([^>]*)>", select.group(1))
    return [re.search(r'value="([^"]*)"', o).group(1) for o in options if re.search(r"\bselected\b", o)]


def test_catalog_filter_says_semua_when_nothing_is_chosen(client):
    body = client.get("/layanan").get_data(as_text=True)
    assert _selected(body, "pengguna") == [""]
    assert '<option value="" selected>Semua</option>' in body
    assert "data-chosen" not in body


def test_choice_is_remembered_and_preselected_on_forms(client):
    before = client.get("/permintaan/ITSM.01/pembuatan-tiket").get_data(as_text=True)
    assert _selected(before, "pengguna") in ([], [""])
    response = client.get("/saya-adalah?pengguna=1")
    assert response.status_code == 303 and response.location.endswith("/layanan?pengguna=1")
    with client.session_transaction() as session:
        assert session["pengguna"] == 1
    form = client.get("/permintaan/ITSM.01/pembuatan-tiket").get_data(as_text=True)
    assert _selected(form, "pengguna") == ["1"]
    catalog = client.get("/layanan").get_data(as_text=True)
    assert 'data-chosen="1"' in catalog and _selected(catalog, "pengguna") == [""]
    # The start page lists only what is open to the remembered type, and names the rest.
    start = client.get("/permintaan").get_data(as_text=True)
    assert "data-start-closed=" in start
    # "Semua" forgets it.
    assert client.get("/saya-adalah?pengguna=").location.endswith("/layanan")
    with client.session_transaction() as session:
        assert "pengguna" not in session


def test_unknown_choice_is_not_remembered(client):
    assert client.get("/saya-adalah?pengguna=99").status_code == 303
    with client.session_transaction() as session:
        assert "pengguna" not in session


def test_cached_catalog_never_shows_one_visitors_choice_to_another(app):
    chooser, other, third = app.test_client(), app.test_client(), app.test_client()
    chooser.get("/saya-adalah?pengguna=2")
    assert 'data-chosen="2"' in chooser.get("/layanan").get_data(as_text=True)
    assert "data-chosen" not in other.get("/layanan").get_data(as_text=True)
    cache = app.extensions["page_cache"]
    size = len(cache._items)
    third.get("/layanan")  # visitors without a choice share the one copy
    assert len(cache._items) == size


def test_a_remembered_satker_is_told_before_the_itsm0104_form(client):
    """Item 9: the closed-code guidance speaks to the remembered type, above the form."""
    path = "/permintaan/ITSM.01.04/pembuatan-tiket"
    assert "data-closed-for-you" not in client.get(path).get_data(as_text=True)
    client.get("/saya-adalah?pengguna=1")
    for page in ("/permintaan/ITSM.01.04", path, "/layanan/ITSM.01.04"):
        body = client.get(page).get_data(as_text=True)
        assert 'data-closed-for-you="1"' in body, page
        assert body.index("data-closed-for-you") < body.index("data-route=")  # with the routes after it
        if page == path:
            assert body.index("data-closed-for-you") < body.index('enctype="multipart/form-data"')
    client.get("/saya-adalah?pengguna=13")  # unknown: forgotten, the page speaks to no one
    assert "data-closed-for-you" not in client.get(path).get_data(as_text=True)
