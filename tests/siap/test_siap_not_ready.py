"""A SIAP that cannot accept complaints yet (no Secretariat key ceremony) says so before any writing."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.siap.conftest import complaint_data


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _counts(app) -> tuple[int, int]:
    from portal.extensions import db
    from portal.siap.models import Complaint, FormKey

    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Complaint)),
            db.session.scalar(select(func.count()).select_from(FormKey)),
        )


def test_fresh_install_says_so_on_siap_and_lapor_and_offers_no_form(app):
    client = app.test_client()
    index = _soup(client.get("/siap"))
    assert index.select_one("[data-siap-not-ready]") is not None
    assert index.select_one("a[href='/siap/lapor']") is None  # no way into a form that would refuse
    response = client.get("/siap/lapor")
    assert response.status_code == 503
    page = _soup(response)
    assert page.select_one("[data-siap-not-ready]") is not None
    assert page.select_one("textarea, input[name=peristiwa], form[action='/siap/lapor']") is None


def test_a_posted_complaint_before_the_ceremony_writes_nothing(app):
    response = app.test_client().post("/siap/lapor", data=complaint_data("Petugas meminta imbalan"))
    assert response.status_code == 503
    assert _soup(response).select_one("[data-siap-not-ready]") is not None
    assert _counts(app) == (0, 0)


def test_after_the_ceremony_the_form_is_open(app, member):
    client = app.test_client()
    assert _soup(client.get("/siap")).select_one("[data-siap-not-ready]") is None
    response = client.get("/siap/lapor")
    assert response.status_code == 200 and _soup(response).select_one("form[action='/siap/lapor']") is not None
