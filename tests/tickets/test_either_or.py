"""B.2 a "NPWP / Kode Satker" is either-or; B.2 d "Tipe supplier" is the requester's own words."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from portal.tickets.forms import form_class

EITHER_OR_TYPES = ["informasi-ntpn", "informasi-kode-billing-mpn"]


def _validate(app, key, **fields):
    rtype = next(t for t in app.extensions["request_types"] if t.key == key)
    base = {"pengguna": "4", "nama": "Budi", "email": "budi@contoh.co.id"}
    with app.test_request_context():
        form = form_class(rtype, app.extensions["catalog"].user_types)(
            formdata=MultiDict({**base, **fields}), meta={"csrf": False}
        )
        return form.validate(), form.errors


@pytest.mark.parametrize("key", EITHER_OR_TYPES)
@pytest.mark.parametrize(
    ("fields", "good", "field"),
    [
        ({"npwp": "01.234.567.8-901.000"}, True, None),  # a taxpayer: NPWP only
        ({"kode_satker": "123456"}, True, None),  # a satker: Kode Satker only
        ({"npwp": "012345678901000", "kode_satker": "123456"}, True, None),
        ({}, False, "npwp"),  # neither
        ({"npwp": " ", "kode_satker": ""}, False, "npwp"),
        ({"npwp": "12345", "kode_satker": "123456"}, False, "npwp"),  # whichever is given is checked
        ({"npwp": "012345678901000", "kode_satker": "12345"}, False, "kode_satker"),
    ],
)
def test_npwp_or_kode_satker(app, key, fields, good, field):
    ok, errors = _validate(app, key, **fields)
    assert ok is good, errors
    if field:
        assert field in errors


def test_neither_names_both_fields(app):
    ok, errors = _validate(app, "informasi-ntpn")
    assert not ok
    assert errors["npwp"] == ["Isi paling sedikit salah satu: NPWP atau Kode satker."]


@pytest.mark.parametrize("key", EITHER_OR_TYPES)
def test_form_page_says_either_or_and_marks_neither_required(app, client, key):
    rtype = next(t for t in app.extensions["request_types"] if t.key == key)
    page = client.get(f"/permintaan/{rtype.codes[0]}/{key}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert "NPWP atau Kode satker" in soup.select_one("[data-either-or]").get_text()
    for name in ("npwp", "kode_satker"):
        assert not soup.select_one(f'input[name="{name}"]').has_attr("required")


def test_either_or_submission_files_a_ticket(client):
    data = {"pengguna": "4", "nama": "Budi", "email": "budi@contoh.co.id", "npwp": "012345678901000"}
    response = client.post("/permintaan/CRSM.01/informasi-ntpn", data=data)
    assert response.status_code == 303 and "/status/" in response.headers["Location"]
    refused = client.post("/permintaan/CRSM.01/informasi-ntpn", data={**data, "npwp": ""})
    assert refused.status_code == 422
    assert "Isi paling sedikit salah satu" in refused.get_data(as_text=True)


def test_report_states_the_either_or_reading(runner):
    output = runner.invoke(args=["catalog", "check", "--today", "2026-11-27"]).output
    assert "TAFSIRAN: [CRSM.01]" in output
    assert "Salah satu: NPWP atau Kode Satker" in output


def test_supplier_type_is_free_text_without_invented_choices(app, client):
    page = client.get("/permintaan/CRSM.01/status-supplier-span").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    field = soup.select_one('[name="tipe_supplier"]')
    assert field.name == "input" and field.get("type") == "text"
    assert "Katalog tidak memuat daftar tipe supplier" in page
    # The only list on the form is the catalog's user types.
    assert [s["name"] for s in soup.select("form.form select")] == ["pengguna"]
    ok, errors = _validate(app, "status-supplier-span", tipe_supplier="Badan Usaha", nomor_rekening_supplier="1234567")
    assert ok, errors
    ok, errors = _validate(app, "status-supplier-span", nomor_rekening_supplier="1234567")
    assert not ok and "tipe_supplier" in errors
