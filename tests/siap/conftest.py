"""SIAP fixtures: an app with tiny Argon2id parameters, a Secretariat member, helpers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

# Production derives with 64 MiB; the tests only need the code paths, not the cost.
SIAP_TEST_CONFIG = {"SIAP_ARGON2_MEMORY_KIB": 64, "SIAP_ARGON2_OPS": 1}
MEMBER_EMAIL = "sekretariat@kemenkeu.go.id"
MEMBER_PASSWORD = "kata-sandi-sekretariat-1"
UNIT = "Sekretariat DJPb"


@dataclass
class Member:
    """A Secretariat member created for a test."""

    id: int
    email: str
    password: str


@pytest.fixture
def app(make_app):
    """The SIAP test application (overrides the default ``app`` fixture)."""
    return make_app(**SIAP_TEST_CONFIG)


@pytest.fixture
def member(app, make_user) -> Member:
    """The first Secretariat member, holder of the unit key (``flask siap init-unit``)."""
    from portal.auth.models import User
    from portal.extensions import db
    from portal.siap import members

    user_id = make_user(email=MEMBER_EMAIL, role="agen", units=(UNIT,), password=MEMBER_PASSWORD, name="Sekar")
    with app.app_context():
        members.init_unit(db.session, db.session.get(User, user_id), MEMBER_PASSWORD)
    return Member(user_id, MEMBER_EMAIL, MEMBER_PASSWORD)


@pytest.fixture
def member_client(app, member, login):
    """A client signed in as the member, workspace unlocked."""
    c = app.test_client()
    login(member.email, member.password, c=c)
    response = c.post("/siap/sekretariat/buka", data={"password": member.password})
    assert response.headers["Location"].endswith("/siap/sekretariat"), response.status_code
    return c


def complaint_data(text: str = "Petugas meminta imbalan", **extra) -> dict:
    """Form data of a valid anonymous complaint, with a fresh one-time form key."""
    from portal.siap import formkeys

    data = {
        "kategori": "layanan", "peristiwa": text, "uraian": f"Uraian: {text}", "anonim": "y",
        "kunci": formkeys.new_key(),
    }
    data.update(extra)
    return data


def receipt_of(response) -> str:
    """Read the receipt from the receipt page (filing redirects there; follow_redirects=True)."""
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return page.select_one(".siap-receipt-code").get_text(strip=True)


@pytest.fixture
def file_complaint(app, member):
    """File a complaint with a fresh client; return (client, receipt)."""

    def do(text: str = "Petugas meminta imbalan", client=None, **extra):
        c = client or app.test_client()
        response = c.post("/siap/lapor", data=complaint_data(text, **extra), follow_redirects=True)
        assert response.request.path == "/siap/resi", response.get_data(as_text=True)[:2000]
        return c, receipt_of(response)

    return do


def sentinel() -> str:
    """Return a unique marker string that must never reach disk or logs in clear."""
    return f"SENTINEL{secrets.token_hex(8).upper()}"


def only_ref(member_client) -> str:
    """Return the reference of the only complaint in the inbox."""
    page = BeautifulSoup(member_client.get("/siap/sekretariat").get_data(as_text=True), "html.parser")
    links = [a["href"] for a in page.select("table a[href*='/pengaduan/']")]
    assert len(links) == 1, links
    return links[0].rsplit("/", 1)[1]
