"""One place to start a request (/permintaan) and the two calls to action on entry pages."""

from __future__ import annotations

import re

import pytest


def _actions(body: str) -> str:
    match = re.search(r'<p class="actions cta" data-cta>(.*?)</p>', body, re.S)
    assert match, "no call-to-action block"
    return match.group(1)


def test_start_page_offers_search_and_every_family(client):
    response = client.get("/permintaan")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Ajukan pertanyaan atau permintaan" in body
    assert 'role="search"' in body and 'action="/cari"' in body
    assert 'href="/permintaan/ITSM.01"' in body  # leads to the service's own form chooser
    assert 'href="/siap"' in body  # the whistleblowing service goes to SIAP, not a ticket form


@pytest.mark.parametrize("path", ["/", "/layanan/ITSM.01"])
def test_entry_pages_show_request_and_status_buttons_first(client, path):
    body = client.get(path).get_data(as_text=True)
    actions = _actions(body)
    assert "Ajukan permintaan" in actions and 'href="/status"' in actions
    # Above the fold: right after the page's heading, before its long content.
    assert body.index("data-cta") < body.index("</h1>") + 400


def test_service_page_button_leads_to_its_form(client):
    actions = _actions(client.get("/layanan/ITSM.01.04").get_data(as_text=True))
    assert 'href="/permintaan/ITSM.01.04"' in actions
