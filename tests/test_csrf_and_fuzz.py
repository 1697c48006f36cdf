"""Every form POST needs a CSRF token; no malformed input ever gives a 500."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# JSON API endpoints authenticate with bearer tokens instead of cookies; CSRF does not apply.
CSRF_EXEMPT = {"api"}


def concrete(rule, app) -> str:
    values = {
        "code": "CRSM.01",
        "type_key": "pembuatan-tiket",
        "reference": "HAI-2611-AAAAAAAA",
        "slug": app.extensions["kb"].for_code("CRSM.01")[0].slug,
        "attachment_id": 1,
        "chat_id": 1,
    }
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "x")), rule.rule)


def test_every_post_route_requires_csrf(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.split(".")[0] in CSRF_EXEMPT:
            continue
        if rule.endpoint.startswith("siap"):
            continue  # SIAP has its own session and CSRF tests
        response = client.post(concrete(rule, app), data={"x": "1"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        checked.append(rule.rule)
    assert len(checked) >= 6


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
FIELDS = [
    "pengguna",
    "nama",
    "email",
    "nama_satker",
    "kode_satker",
    "subjek",
    "detail",
    "npwp",
    "nomor_sp2d",
    "nomor_rekening",
    "tipe_supplier",
    "nomor_spm",
    "nomor_kontrak",
    "aksi",
    "referensi",
    "pesan",
    "helpful",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(st.sampled_from(FIELDS), text, max_size=10),
    type_key=st.sampled_from(
        ["pembuatan-tiket", "informasi-ntpn", "informasi-sp2d", "status-supplier-span", "development-aplikasi"]
    ),
)
def test_form_posts_never_500(client, data, type_key):
    for path in (f"/permintaan/CRSM.01/{type_key}", "/status", "/staf/masuk", "/status/tautan-baru"):
        assert client.post(path, data=data).status_code < 500


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=text, limit=text, code=text, ref=text)
def test_get_queries_never_500(client, q, limit, code, ref):
    assert client.get("/cari", query_string={"q": q, "layanan": code, "halaman": limit}).status_code < 500
    assert client.get("/api/v1/search", query_string={"q": q, "limit": limit, "code": code}).status_code < 500
    assert client.get("/layanan", query_string={"pengguna": limit}).status_code < 500


@pytest.mark.parametrize("number", ["¹", "٣", "²³", "1" * 40, "-1", " 7 "])
def test_unicode_digits_are_not_numbers(client, number):
    for path, key in (("/cari", "halaman"), ("/layanan", "pengguna"), ("/api/v1/search", "limit")):
        assert client.get(path, query_string={key: number, "q": "sp2d"}).status_code < 500


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(text, c, max_size=3),
    max_leaves=10,
)


@pytest.fixture
def api_token(app):
    return app.test_cli_runner().invoke(args=["api-token", "create", "fuzz"]).output.strip().splitlines()[-1]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "request_type": st.sampled_from(["pembuatan-tiket", "informasi-sp2d", "x"]) | json_values,
            "service_code": st.sampled_from(["CRSM.01", "ITSM.02", "BCSM.02.01"]) | json_values,
            "user_type": st.integers(-5, 15) | json_values,
            "fields": st.dictionaries(st.sampled_from(FIELDS), text | json_values, max_size=8) | json_values,
        },
    )
)
def test_api_posts_never_500(client, api_token, body):
    response = client.post("/api/v1/tickets", json=body, headers={"Authorization": f"Bearer {api_token}"})
    assert response.status_code < 500, response.get_json()


def test_control_characters_never_reach_the_database(client):
    for query in ("\x00", "sp2d\x00", "\x07\x1b[31m"):
        assert client.get("/cari", query_string={"q": query}).status_code < 500
        assert client.get("/api/v1/search", query_string={"q": query}).status_code < 500
