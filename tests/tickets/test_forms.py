"""Forms follow the request-type data; every validator accepts and refuses the right things."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from portal.tickets.forms import form_class
from portal.tickets.types import types_for


def field_names(html: str) -> list[str]:
    form = BeautifulSoup(html, "html.parser").select_one("form.form")
    names = []
    for el in form.select("input, select, textarea"):
        name = el.get("name")
        if name and name not in ("csrf_token", "kunci_kirim", "aksi") and name not in names:
            names.append(name)
    return names


def test_each_request_type_renders_exactly_its_fields(app, client):
    for rtype in app.extensions["request_types"]:
        code = "CRSM.01" if "*" in rtype.codes else rtype.codes[0]
        response = client.get(f"/permintaan/{code}/{rtype.key}")
        assert response.status_code == 200, rtype.key
        assert field_names(response.get_data(as_text=True)) == ["pengguna", *rtype.fields], rtype.key


def test_choose_page_answers_first(app, client):
    page = client.get("/permintaan/CRSM.01").get_data(as_text=True)
    assert "Yang tidak dilayani HAI-DJPb" in page
    assert "Penafsiran dan/atau penegasan" in page
    for rtype in types_for(app.extensions["request_types"], "CRSM.01"):
        assert f'/permintaan/CRSM.01/{rtype.key}"' in page
    article = app.extensions["kb"].for_code("CRSM.01")[0]
    assert f"artikel={article.slug}" in page


def test_catalog_page_links_to_request(client):
    assert 'href="/permintaan/ITSM.02"' in client.get("/layanan/ITSM.02").get_data(as_text=True)


def _validate(app, key, **fields):
    rtype = next(t for t in app.extensions["request_types"] if t.key == key)
    base = {"pengguna": "1", "nama": "Budi", "email": "budi@satker.go.id"}
    with app.test_request_context():
        form = form_class(rtype, app.extensions["catalog"].user_types)(
            formdata=MultiDict({**base, **fields}), meta={"csrf": False}
        )
        ok = form.validate()
        return ok, form


@pytest.mark.parametrize(
    ("key", "fields", "field", "good"),
    [
        ("kode-kppn", {"kode_satker": "123456"}, "kode_satker", True),
        ("kode-kppn", {"kode_satker": "12-34-56"}, "kode_satker", True),
        ("kode-kppn", {"kode_satker": "12345"}, "kode_satker", False),
        ("kode-kppn", {"kode_satker": "12345a"}, "kode_satker", False),
        ("informasi-ntpn", {"npwp": "01.234.567.8-901.000", "kode_satker": "123456"}, "npwp", True),
        ("informasi-ntpn", {"npwp": "3201234567890001", "kode_satker": "123456"}, "npwp", True),
        ("informasi-ntpn", {"npwp": "12345678901234", "kode_satker": "123456"}, "npwp", False),
        ("informasi-ntpn", {"npwp": "abcdefghijklmno", "kode_satker": "123456"}, "npwp", False),
        ("informasi-sp2d", {"nomor_sp2d": "240111301000123", "nomor_rekening": "1234-5678-90"}, "nomor_sp2d", True),
        ("informasi-sp2d", {"nomor_sp2d": "SP2D/1", "nomor_rekening": "1234567890"}, "nomor_sp2d", False),
        ("informasi-sp2d", {"nomor_sp2d": "240111301000123", "nomor_rekening": "12"}, "nomor_rekening", False),
        ("status-spm-sakti", {"nomor_spm": "00012T/123456/2026", "kode_satker": "123456"}, "nomor_spm", True),
        ("status-spm-sakti", {"nomor_spm": "<script>", "kode_satker": "123456"}, "nomor_spm", False),
        ("status-kontrak-span", {"nomor_kontrak": "KTR-01/XII/2026", "kode_satker": "123456"}, "nomor_kontrak", True),
        ("status-kontrak-span", {"nomor_kontrak": "x" * 61, "kode_satker": "123456"}, "nomor_kontrak", False),
        (
            "status-supplier-span",
            {"tipe_supplier": "badan-usaha", "nomor_rekening_supplier": "1234567"},
            "tipe_supplier",
            True,
        ),
        (
            "status-supplier-span",
            {"tipe_supplier": "x" * 81, "nomor_rekening_supplier": "1234567"},  # free text, at most 80
            "tipe_supplier",
            False,
        ),
        ("pembuatan-tiket", {"subjek": "Abcde", "detail": "Cukup panjang."}, "subjek", True),
        ("pembuatan-tiket", {"subjek": "Abc", "detail": "Cukup panjang."}, "subjek", False),
        ("pembuatan-tiket", {"subjek": "Abcde", "detail": "pendek"}, "detail", False),
        ("pembuatan-tiket", {"subjek": "Abcde", "detail": "x" * 5001}, "detail", False),
    ],
)
def test_validators(app, key, fields, field, good):
    ok, form = _validate(app, key, **fields)
    assert (field not in form.errors) is good, form.errors
    if good:
        assert ok, form.errors


@pytest.mark.parametrize(
    ("email", "good"),
    [
        ("budi@satker.go.id", True),
        ("Budi.S@Kemenkeu.GO.ID", True),
        ("budi@", False),
        ("budi satker@go.id", False),
        ("@go.id", False),
        ("budi@localhost", False),
    ],
)
def test_email_validator(app, email, good):
    _ok, form = _validate(app, "kode-kppn", email=email, kode_satker="123456")
    assert ("email" not in form.errors) is good, form.errors


def test_punctuation_is_normalised(app):
    ok, form = _validate(app, "informasi-ntpn", npwp="01.234.567.8-901.000", kode_satker="12 34 56")
    assert ok
    assert form.npwp.data == "012345678901000" and form.kode_satker.data == "123456"


def test_a_refused_form_says_what_is_wrong_before_the_catalog_notes(client):
    # On a 375 px phone the notes about who may use a code fill more than a screen; the answer to a
    # refused form reloads at the top, so the error summary must come first.
    page = client.get("/permintaan/BCSM.02/pembuatan-tiket").get_data(as_text=True)
    assert "data-closed-routes" in page  # BCSM.02 is closed to some user types
    refused = client.post("/permintaan/BCSM.02/pembuatan-tiket", data={"subjek": "", "detail": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert text.index('id="ringkasan-galat"') < text.index("data-closed-routes") < text.index("<form method=\"post\"")


def test_a_service_with_one_request_type_leads_to_its_form_with_a_button(client):
    page = BeautifulSoup(client.get("/permintaan/BCSM.02").get_data(as_text=True), "html.parser")
    step = page.select_one("a[data-next-step]")
    assert step is not None and "button-primary" in step["class"]
    assert step["href"] == "/permintaan/BCSM.02/pembuatan-tiket"
