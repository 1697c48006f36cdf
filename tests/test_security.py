"""Headers, error pages and self-hosting hold on every page."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from werkzeug.exceptions import InternalServerError

from portal.core.access import PUBLIC, access
from tests.catalog_facts import all_codes

PAGES = [
    "/",
    "/layanan",
    "/layanan/matriks",
    "/layanan?pengguna=7",
    "/layanan/nope",
    *(f"/layanan/{c}" for c in all_codes()),
]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_and_secure_cookie_when_on_https(make_app):
    app = make_app(PREFERRED_URL_SCHEME="https")
    response = app.test_client().get("/", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert app.config["SESSION_COOKIE_SECURE"] is True
    plain = app.test_client().get("/", base_url="http://localhost")
    assert plain.status_code in (301, 302)
    assert plain.headers["Location"].startswith("https://")


def test_session_cookie_flags(app):
    @app.get("/_test/session")
    @access(PUBLIC)
    def set_session():
        from flask import session

        session["x"] = 1
        return "ok"

    cookie = app.test_client().get("/_test/session").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


THIRD_PARTY = re.compile(r"^(https?:)?//", re.I)


@pytest.mark.parametrize("path", PAGES)
def test_no_page_references_another_host(client, path):
    page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    for tag in page.find_all(["script", "link", "img", "iframe", "source", "audio", "video", "form", "a"]):
        for attr in ("src", "href", "action", "srcset"):
            value = tag.get(attr)
            if value:
                assert not THIRD_PARTY.match(value), (path, tag)
    assert not page.find("style") and not page.select("[style]"), "inline styles break the CSP"
    assert not [s for s in page.find_all("script") if not s.get("src")], "inline scripts break the CSP"


@pytest.mark.parametrize(
    ("method", "path", "status", "title"),
    [
        ("get", "/tidak-ada", 404, "Halaman tidak ditemukan"),
        ("post", "/layanan", 405, "Metode tidak diizinkan"),
    ],
)
def test_error_pages_in_indonesian(client, method, path, status, title):
    response = getattr(client, method)(path)
    assert response.status_code == status
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.h1.get_text() == title
    assert page.find("nav", attrs={"aria-label": "Navigasi utama"}), "inside the layout"


def test_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=10)

    @app.post("/_test/upload")
    @access(PUBLIC)
    def upload():
        from flask import request

        return str(len(request.get_data()))

    response = app.test_client().post("/_test/upload", data=b"x" * 100)
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_500_page_hides_the_error(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/_test/boom")
    @access(PUBLIC)
    def boom():
        raise RuntimeError("rahasia internal")

    response = app.test_client().get("/_test/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in body and "rahasia internal" not in body
    assert InternalServerError.code == 500
