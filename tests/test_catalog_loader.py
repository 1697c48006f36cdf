"""The loader refuses every kind of broken catalog with a message naming the key."""

from __future__ import annotations

import copy

import pytest

from portal.catalog.loader import CatalogError, build_catalog


def service(data, code):
    return next(s for s in data["services"] if s["code"] == code)


def test_shipped_catalog_loads(catalog_data):
    catalog = build_catalog(catalog_data)
    assert len(catalog.services) == 12
    assert sum(len(s.subscopes) for s in catalog.services) == 15
    assert len(catalog.user_types) == 11
    assert len(catalog.linked_units) == 21
    assert len(catalog.exclusions) == 4
    assert catalog.version == "2023.0"


def _break_duplicate(data):
    service(data, "BCSM.02")["subscopes"][1]["code"] = "BCSM.02.01"


def _break_malformed_service(data):
    service(data, "ITSM.02")["code"] = "ITSM-02"


def _break_malformed_subscope(data):
    service(data, "BCSM.04")["subscopes"][0]["code"] = "BCSM.02.09"


def _break_linked(data):
    data["linked_units"][3]["codes"] = ["BCSM.02.99"]


def _break_request_type(data):
    data["request_types"][0]["service"] = "XXXX.01"


def _break_width(data):
    data["matrix"]["rows"]["WBSM.01"] = "o o o o o o o o o o"


def _break_token(data):
    data["matrix"]["rows"]["WBSM.01"] = "o o o o o o o o o o y"


def _break_hours(data):
    service(data, "CRSM.01")["resolution_hours"] = {"min": 16, "max": 8}


def _break_missing_key(data):
    del service(data, "MSSM.01")["owner"]


def _break_missing_row(data):
    del data["matrix"]["rows"]["MSSM.01"]


def _break_extra_row(data):
    data["matrix"]["rows"]["ZZZZ.01"] = "o o o o o o o o o o o"


def _break_user_types(data):
    data["user_types"][4]["id"] = 9


@pytest.mark.parametrize(
    ("breaker", "expected"),
    [
        (_break_duplicate, "kode 'BCSM.02.01' ganda"),
        (_break_malformed_service, "'ITSM-02' di 'services[5].code' tidak sah"),
        (_break_malformed_subscope, "'BCSM.02.09' di 'services.\"BCSM.04\".subscopes[0].code'"),
        (_break_linked, "'linked_units[3].codes' menyebut kode 'BCSM.02.99'"),
        (_break_request_type, "'request_types[0].service' menyebut kode 'XXXX.01'"),
        (_break_width, "'matrix.rows.\"WBSM.01\"' berisi 10 kolom, seharusnya 11"),
        (_break_token, "'matrix.rows.\"WBSM.01\"' berisi tanda tak dikenal ['y']"),
        (_break_hours, "'services.\"CRSM.01\".resolution_hours' min 16 melebihi max 8"),
        (_break_missing_key, "kunci 'services.\"MSSM.01\".owner' tidak ada"),
        (_break_missing_row, "baris 'matrix.rows.\"MSSM.01\"' tidak ada"),
        (_break_extra_row, "'matrix.rows' memuat kode yang bukan layanan: ['ZZZZ.01']"),
        (_break_user_types, "'user_types' harus bernomor urut"),
    ],
)
def test_broken_catalog_names_the_key(catalog_data, breaker, expected):
    data = copy.deepcopy(catalog_data)
    breaker(data)
    with pytest.raises(CatalogError) as excinfo:
        build_catalog(data)
    assert expected in str(excinfo.value)


def test_broken_catalog_stops_start_up(make_app, tmp_path):
    bad = tmp_path / "rusak.toml"
    bad.write_text('[catalog]\ntitle = "x"\n')
    with pytest.raises(CatalogError, match="kunci 'user_types' tidak ada"):
        make_app(CATALOG_FILE=str(bad))
    bad.write_text("[catalog\n")
    with pytest.raises(CatalogError, match="bukan TOML yang sah"):
        make_app(CATALOG_FILE=str(bad))


def test_catalog_objects_are_immutable(app):
    catalog = app.extensions["catalog"]
    with pytest.raises(AttributeError):
        catalog.services[0].name = "x"
    with pytest.raises(TypeError):
        catalog.nodes["X"] = None
