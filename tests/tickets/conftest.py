"""Fixtures for the request and status tests: a frozen clock and a valid submission."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

WIB = ZoneInfo("Asia/Jakarta")
FRIDAY_3PM = datetime(2026, 11, 27, 15, 0, tzinfo=WIB)
VALID = {
    "pengguna": "1",
    "nama": "Budi Santoso",
    "email": "budi@satker.go.id",
    "nama_satker": "Satker Uji",
    "kode_satker": "123456",
    "subjek": "Pembatalan SP2D gaji",
    "detail": "SP2D terbit dengan rekening yang salah. Bagaimana pembatalannya?",
}


@pytest.fixture
def app(make_app):
    """An app whose clock stands on Friday 27 November 2026, 15.00 WIB."""
    return make_app(NOW=FRIDAY_3PM, ATTACHMENT_MAX_BYTES=2048, ATTACHMENT_MAX_COUNT=2)


@pytest.fixture
def valid():
    """A complete, valid generic request."""
    return dict(VALID)


@pytest.fixture
def submit(client, valid):
    """Submit a generic request for a code; returns the response."""

    def do(code="BCSM.02.01", type_key="pembuatan-tiket", **changes):
        data = {**valid, **changes}
        return client.post(f"/permintaan/{code}/{type_key}", data=data, content_type="multipart/form-data")

    return do


def thread_url(response) -> str:
    """The private thread link a successful submission redirects to."""
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def mailed_link(app, index: int = -1) -> str:
    """The private link ``/status/<ref>?t=…`` of an e-mail in ``app``'s outbox (the newest by default)."""
    import re

    from tests.conftest import outbox

    return re.search(r"http://localhost(/status/\S+\?t=\S+)", outbox(app)[index].get_content()).group(1)
