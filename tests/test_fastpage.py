"""First-time visitors of a cached public page get a kept copy with their own token and cookie."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import request

WIB = ZoneInfo("Asia/Jakarta")
ARTICLE = "/faq/BCSM.02.01/konsultasi-pembatalan-koreksi-spp-spm-sp2d"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def site(make_app):
    """A portal with CSRF on, its clock at Monday 10.00, and a count of requests Flask handled."""
    app = make_app(NOW=datetime(2026, 11, 30, 10, 0, tzinfo=WIB), WTF_CSRF_ENABLED=True)
    app.handled, app.extra_headers = [], {}

    @app.before_request
    def count() -> None:
        app.handled.append(request.path)

    @app.after_request
    def add_headers(response):
        response.headers.update(app.extra_headers)  # what a later hook might add (see the header tests)
        return response

    app.test_client().get("/")  # the first request loads the FAQ, which ends any copy kept before it
    app.handled.clear()
    return app


def _first_visit(app, path=ARTICLE, **headers):
    return app.test_client(use_cookies=False).get(path, headers=headers)


def _cookie(response) -> str:
    return response.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]


def test_a_second_first_visit_is_served_without_flask_and_differs_only_in_token_and_cookie(site):
    first, second = _first_visit(site), _first_visit(site)
    assert site.handled == [ARTICLE]  # the second never reached Flask
    assert second.status_code == 200
    assert TOKEN.search(first.get_data(as_text=True))[1] != TOKEN.search(second.get_data(as_text=True))[1]
    assert _cookie(first) != _cookie(second)
    assert TOKEN.sub("", first.get_data(as_text=True)) == TOKEN.sub("", second.get_data(as_text=True))
    same = {k: v for k, v in first.headers.items() if k != "Set-Cookie"}
    assert {k: v for k, v in second.headers.items() if k != "Set-Cookie"} == same
    assert "Content-Security-Policy" in same and int(same["Content-Length"]) == len(second.get_data())
    assert second.headers["Set-Cookie"].split(";", 1)[1] == first.headers["Set-Cookie"].split(";", 1)[1]


def test_the_kept_copys_token_and_cookie_pass_the_csrf_check(site):
    _first_visit(site)
    copy = _first_visit(site)
    client = site.test_client()
    client.set_cookie("session", _cookie(copy))
    token = TOKEN.search(copy.get_data(as_text=True))[1]
    answer = client.post(f"{ARTICLE}/umpan-balik", data={"csrf_token": token, "helpful": "ya"})
    assert answer.status_code == 302 and "terima-kasih" in answer.headers["Location"]
    stranger = site.test_client()  # the same token without the cookie it belongs to
    assert stranger.post(f"{ARTICLE}/umpan-balik", data={"csrf_token": token, "helpful": "ya"}).status_code == 400


def test_cookies_query_strings_and_other_languages_reach_flask(site):
    _first_visit(site)
    client = site.test_client()
    client.set_cookie("jenis_pengguna", "1")
    client.get(ARTICLE)
    _first_visit(site, f"{ARTICLE}?dari=spm")
    english = _first_visit(site, Accept_Language="en")
    assert site.handled == [ARTICLE] * 4
    assert '<html lang="en"' in english.get_data(as_text=True)
    assert '<html lang="en"' in _first_visit(site, Accept_Language="en").get_data(as_text=True)
    assert site.handled == [ARTICLE] * 4  # the English copy is kept apart


def test_the_desk_closing_and_a_public_change_end_a_kept_copy(site):
    _first_visit(site)
    site.config["NOW"] = datetime(2026, 11, 30, 16, 30, tzinfo=WIB)  # the desk has closed
    closed = _first_visit(site).get_data(as_text=True)
    assert "Tutup — buka kembali" in " ".join(closed.split())
    assert site.handled == [ARTICLE] * 2
    _first_visit(site)
    assert site.handled == [ARTICLE] * 2
    from portal.core.signals import public_content_changed

    public_content_changed.send(site)  # an announcement or a closure, on this node
    _first_visit(site)
    assert site.handled == [ARTICLE] * 3


def test_nothing_is_kept_with_fast_pages_off(make_app):
    app = make_app(FAST_PAGES=False)
    _first_visit(app)
    assert len(app.extensions["fast_pages"].kept._items) == 0


FORBIDDING = [("Cache-Control", "private, no-store"), ("Content-Encoding", "gzip"), ("Vary", "User-Agent")]


@pytest.mark.parametrize("header", FORBIDDING)
def test_a_response_whose_headers_forbid_sharing_is_not_kept(site, header):
    site.extra_headers[header[0]] = header[1]
    _first_visit(site)
    _first_visit(site)
    assert site.handled == [ARTICLE] * 2


def test_turning_fast_pages_off_stops_serving_kept_copies_at_once(site):
    _first_visit(site)
    site.config["FAST_PAGES"] = False
    _first_visit(site)
    assert site.handled == [ARTICLE] * 2


def test_a_changed_csrf_key_signs_the_next_copy(site):
    _first_visit(site)
    site.config["WTF_CSRF_SECRET_KEY"] = "kunci-token-baru-" + "z" * 20
    copy = _first_visit(site)
    client = site.test_client()
    client.set_cookie("session", _cookie(copy))
    token = TOKEN.search(copy.get_data(as_text=True))[1]
    answer = client.post(f"{ARTICLE}/umpan-balik", data={"csrf_token": token, "helpful": "ya"})
    assert answer.status_code == 302


def test_a_renamed_token_field_is_rendered_kept_and_accepted(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, WTF_CSRF_FIELD_NAME="token_formulir")
    app.test_client().get("/")
    _first_visit(app)
    copy = _first_visit(app)
    found = re.search(r'name="token_formulir" type="hidden" value="([^"]+)"', copy.get_data(as_text=True))
    assert found is not None
    client = app.test_client()
    client.set_cookie("session", _cookie(copy))
    answer = client.post(f"{ARTICLE}/umpan-balik", data={"token_formulir": found[1], "helpful": "ya"})
    assert answer.status_code == 302


def test_a_new_day_ends_a_kept_copy_while_the_desk_stays_closed(site):
    site.config["NOW"] = datetime(2026, 11, 30, 23, 50, tzinfo=WIB)  # closed until Tuesday 08.00
    _first_visit(site)
    _first_visit(site)
    assert site.handled == [ARTICLE]
    site.config["NOW"] = datetime(2026, 12, 1, 0, 10, tzinfo=WIB)  # still closed, but the page's date moved
    _first_visit(site)
    assert site.handled == [ARTICLE] * 2
