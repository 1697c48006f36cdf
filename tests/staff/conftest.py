"""Back-office fixtures: staff of two units and tickets created through the public form."""

from __future__ import annotations

import re

import pytest

from tests.tickets.conftest import FRIDAY_3PM, WIB  # noqa: F401  (re-exported for the tests)


@pytest.fixture
def app(make_app):
    """The back office at Friday 27 November 2026, 15.00 WIB."""
    return make_app(NOW=FRIDAY_3PM)


@pytest.fixture
def people(make_user):
    """An agent and a lead of Direktorat SITP, an agent of Sekretariat DJPb, an administrator."""
    return {
        "agen": make_user(email="agen@kemenkeu.go.id", role="agen", units=("Direktorat SITP",)),
        "ketua": make_user(email="ketua@kemenkeu.go.id", role="ketua", units=("Direktorat SITP",)),
        "lain": make_user(email="setditjen@kemenkeu.go.id", role="agen", units=("Sekretariat DJPb",)),
        "admin": make_user(email="admin@kemenkeu.go.id", role="admin", units=("Sekretariat DJPb",)),
        "internal": make_user(email="kppn@kemenkeu.go.id", role="pengguna", units=(), user_type=2),
    }


def new_ticket(app, code="CRSM.01", client=None, **changes) -> str:
    """Submit a request through the public form (from ``client``, else a new one); return its reference."""
    data = {
        "pengguna": "1",
        "nama": "Budi",
        "email": "budi@satker.go.id",
        "subjek": "Reset user SAKTI",
        "detail": "Akun SAKTI terkunci setelah salah kata sandi.",
        **changes,
    }
    response = (client or app.test_client()).post(f"/permintaan/{code}/pembuatan-tiket", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return re.search(r"/status/([^?]+)", response.headers["Location"]).group(1)


def signed_in(app, email):
    """A client signed in as ``email``."""
    client = app.test_client()
    response = client.post("/staf/masuk", data={"email": email, "password": "kata-sandi-rahasia-1"})
    assert response.status_code == 303
    return client
