"""Amendments beside the published catalog, and the routes shown to user types a code is closed to."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from portal.catalog.amendments import build_amendments
from portal.catalog.guidance import guidance
from portal.catalog.loader import CatalogError
from portal.catalog.service import DATA_DIR, eligible_ids
from tests.conftest import CATALOG_FILE

# The catalog data file as published (and as checked against the seed): amendments live elsewhere.
PUBLISHED_SHA256 = "b3bb804d57601619a34ac6b42fe2ad7987e680fd3a1022f900427afe309c14c2"
AMENDMENTS = DATA_DIR / "amandemen-2023.0.toml"
SEED = Path("/work/shared/seed/000_493f241e60be5b71.txt")
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 15.00 WIB
SATKER = "1"
REQUEST = {
    "pengguna": SATKER,
    "nama": "Budi Santoso",
    "email": "budi@satker.go.id",
    "subjek": "Galat SAKTI modul pembayaran",
    "detail": "Muncul pesan galat saat menyimpan SPP di SAKTI modul pembayaran.",
}


def in_force_copy(tmp_path, effective="2026-01-01") -> Path:
    """The shipped example amendment, decided and in force from ``effective``."""
    text = AMENDMENTS.read_text()
    text = text.replace('status = "usulan"', 'status = "berlaku"', 1)
    text = text.replace("effective_from = 2027-01-01", f"effective_from = {effective}", 1)
    text = text.replace(
        'decided_by = "Belum diputuskan (contoh usulan untuk pengelola layanan HAI-DJPb)"',
        'decided_by = "Pengelola layanan HAI-DJPb (uji)"',
    )
    path = tmp_path / "amandemen-uji.toml"
    path.write_text(text)
    return path


def test_published_catalog_file_is_unchanged_byte_for_byte():
    assert hashlib.sha256(CATALOG_FILE.read_bytes()).hexdigest() == PUBLISHED_SHA256


def test_shipped_example_is_documented_and_not_in_force(app):
    amendments = app.extensions["amendments"]
    [example] = [a for a in amendments.amendments if a.id == "AM-2023.0-01"]
    assert example.codes == ("ITSM.01.02", "ITSM.01.03", "ITSM.01.04", "ITSM.01.05")
    assert example.open_to == {1}
    assert example.source and example.applied and example.reason and example.decided_by
    assert example.status != "berlaku"
    assert amendments.in_force(date(2099, 1, 1)) == ()


def test_without_amendments_in_force_eligibility_is_the_published_matrix(app, catalog_data):
    catalog = app.extensions["catalog"]
    with app.test_request_context():
        from portal.catalog.service import amendments_in_force

        assert amendments_in_force() == ()
    for code in catalog.nodes:
        row = catalog_data["matrix"]["rows"][code[:7]].split()
        assert eligible_ids(catalog, code, ()) == {i for i, t in enumerate(row, 1) if t == "o"}


def test_putting_the_example_in_force_opens_itsm01_subscopes_to_satker(make_app, tmp_path):
    app = make_app(NOW=NOW, AMENDMENTS_FILE=str(in_force_copy(tmp_path)))
    catalog = app.extensions["catalog"]
    in_force = app.extensions["amendments"].in_force(date(2026, 11, 27))
    for code in ("ITSM.01.02", "ITSM.01.03", "ITSM.01.04", "ITSM.01.05"):
        assert 1 in eligible_ids(catalog, code, in_force)
    # Only the named sub-scopes, only satker: ITSM.01.01, .06 and the other types stay closed.
    assert 1 not in eligible_ids(catalog, "ITSM.01.06", in_force)
    assert 2 not in eligible_ids(catalog, "ITSM.01.04", in_force)
    client = app.test_client()
    response = client.post("/permintaan/ITSM.01.04/pembuatan-tiket", data=REQUEST)
    assert response.status_code == 303 and "/status/" in response.headers["Location"]
    refused = client.post("/permintaan/ITSM.01.06/pembuatan-tiket", data=REQUEST)
    assert refused.status_code == 422


def test_as_published_a_satker_is_refused_on_itsm01(make_app):
    client = make_app(NOW=NOW).test_client()
    response = client.post("/permintaan/ITSM.01.04/pembuatan-tiket", data=REQUEST)
    assert response.status_code == 422
    assert "tidak tersedia untuk jenis pengguna ini" in response.get_data(as_text=True)


def test_amendment_waits_for_its_date(make_app, tmp_path):
    app = make_app(NOW=NOW, AMENDMENTS_FILE=str(in_force_copy(tmp_path, effective="2026-12-01")))
    response = app.test_client().post("/permintaan/ITSM.01.04/pembuatan-tiket", data=REQUEST)
    assert response.status_code == 422
    assert app.test_client().get("/api/v1/catalog").get_json()["amendments"] == []


def test_amendment_in_force_is_shown_on_pages_api_and_report(make_app, tmp_path):
    app = make_app(NOW=NOW, AMENDMENTS_FILE=str(in_force_copy(tmp_path)))
    client = app.test_client()
    doc = client.get("/api/v1/catalog").get_json()
    [listed] = doc["amendments"]
    assert listed["id"] == "AM-2023.0-01" and listed["effective_from"] == "2026-01-01"
    assert listed["opens_to_user_types"] == [1]
    # Beside, not instead of, the published data.
    itsm01 = next(s for s in doc["services"] if s["code"] == "ITSM.01")
    assert itsm01["eligible_user_types"] == [8, 9]
    for url in ("/layanan/ITSM.01.04", "/layanan/ITSM.01", "/permintaan/ITSM.01.04"):
        page = client.get(url).get_data(as_text=True)
        assert "Catatan pengelola layanan:" in page, url
        assert "dibuka juga untuk jenis pengguna 1" in page, url
    assert "Catatan pengelola layanan:" not in client.get("/layanan/BCSM.02").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["catalog", "check", "--today", "2026-11-27"])
    assert "AMANDEMEN: [ITSM.01.02, ITSM.01.03, ITSM.01.04, ITSM.01.05] AM-2023.0-01" in result.output
    assert "1 amandemen berlaku" in result.output


def test_report_lists_the_example_as_not_in_force(runner):
    result = runner.invoke(args=["catalog", "check", "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert "Amandemen AM-2023.0-01 TIDAK berlaku (status 'usulan')" in result.output
    assert "0 amandemen berlaku" in result.output
    assert "AMANDEMEN:" not in result.output


@pytest.mark.parametrize(
    "change, message",
    [
        (('codes = ["ITSM.01.02"', 'codes = ["ITSM.09.02"'), "kode yang tidak ada"),
        (('status = "usulan"', 'status = "mungkin"'), "status"),
        (('catalog_version = "2023.0"', 'catalog_version = "2024.0"'), "versi katalog"),
        (("open_to = [1]", "open_to = [12]"), "jenis pengguna"),
    ],
)
def test_broken_amendments_file_stops_start_up(app, change, message):
    import tomllib

    text = AMENDMENTS.read_text().replace(*change)
    with pytest.raises(CatalogError, match=message):
        build_amendments(tomllib.loads(text), app.extensions["catalog"])


def _plain_seed() -> str:
    """The seed without its markup, as the catalog file transcribes it."""
    return re.sub(r"</?[a-z]+[^>]*>|\*", "", SEED.read_text())


@pytest.mark.skipif(not SEED.exists(), reason="seed document not on this machine")
def test_routes_quote_the_seed_exactly(app):
    catalog = app.extensions["catalog"]
    seed = _plain_seed()
    found = guidance(catalog, "ITSM.01.04")
    assert [r.key for r in found.routes] == ["cso", "CRSM.01", "BCSM.02"]
    for route in found.routes:
        assert route.title in seed
        for quote in route.quotes:
            parts = quote.split(": ", 1) if route.key == "cso" and quote.startswith("HAI CSO") else [quote]
            assert all(part in seed for part in parts), quote
    assert 1 in {u.id for u in found.routes[0].for_types}


def test_routes_follow_the_matrix(app):
    catalog = app.extensions["catalog"]
    assert guidance(catalog, "CRSM.01").routes == ()  # open to every type
    bcsm02 = guidance(catalog, "BCSM.02.01")  # closed to 8 and 9 only, both internal
    assert [u.id for u in bcsm02.closed] == [8, 9]
    assert [r.key for r in bcsm02.routes] == ["CRSM.01"]


def test_closed_code_pages_show_the_routes_before_any_form(make_app):
    app = make_app(NOW=NOW)
    client = app.test_client()
    article = app.extensions["kb"].for_code("ITSM.01.04")[0]
    pages = {
        "/layanan/ITSM.01.04": "Siapa yang dapat menggunakan",
        "/permintaan/ITSM.01.04": "pilih-jenis",
        "/permintaan/ITSM.01.04/pembuatan-tiket": 'name="kunci_kirim"',
        f"/faq/ITSM.01.04/{article.slug}": "article-body",
    }
    for url, later in pages.items():
        page = client.get(url).get_data(as_text=True)
        assert "data-closed-routes" in page, url
        assert page.index("data-closed-routes") < page.index(later), url
        assert 'data-closed-type="1"' in page and "Menu HAI-CSO pada aplikasi OMSPAN" in page, url
        assert "Permintaan terkait manajemen user aplikasi" in page and "CRSM.01" in page, url


def test_the_routes_leave_satker_once_the_amendment_opens_the_code(make_app, tmp_path):
    app = make_app(NOW=NOW, AMENDMENTS_FILE=str(in_force_copy(tmp_path)))
    page = app.test_client().get("/permintaan/ITSM.01.04").get_data(as_text=True)
    assert 'data-closed-type="1"' not in page
    assert 'data-closed-type="4"' in page
