"""``GET /api/v1/catalog`` exports the data file faithfully."""

from __future__ import annotations


def test_export_matches_data_file(client, catalog_data):
    response = client.get("/api/v1/catalog")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    doc = response.get_json()
    assert doc["version"] == catalog_data["catalog"]["version"]
    assert doc["user_types"] == [
        {"id": u["id"], "name": u["name"], "internal": u["internal"]} for u in catalog_data["user_types"]
    ]
    assert [s["code"] for s in doc["services"]] == [s["code"] for s in catalog_data["services"]]
    for exported, source in zip(doc["services"], catalog_data["services"], strict=True):
        assert exported["name"] == source["name"]
        assert exported["owner"] == source["owner"]
        assert exported["definition"] == source["definition"]
        assert exported["audience"] == source["audience"]
        assert exported["resolution_hours"] == source["resolution_hours"]
        row = catalog_data["matrix"]["rows"][source["code"]].split()
        assert exported["eligible_user_types"] == [i for i, t in enumerate(row, 1) if t == "o"]
        assert [(s["code"], s["name"], s["items"]) for s in exported["subscopes"]] == [
            (s["code"], s["name"], s["items"]) for s in source.get("subscopes", [])
        ]
        assert exported["items"] == source.get("items", [])
        codes = {source["code"], *(s["code"] for s in source.get("subscopes", []))}
        assert exported["linked_units"] == [u["name"] for u in catalog_data["linked_units"] if codes & set(u["codes"])]
    assert doc["linked_units"] == [
        {"number": u["number"], "name": u["name"], "codes": u["codes"]} for u in catalog_data["linked_units"]
    ]
    assert doc["hours"]["open"] == "08:00" and doc["hours"]["close"] == "16:00"
    assert [c["name"] for c in doc["channels"]] == [c["name"] for c in catalog_data["channels"]]
    assert [r["key"] for r in doc["request_types"]] == [r["key"] for r in catalog_data["request_types"]]


def test_export_has_etag_and_revalidates(client):
    first = client.get("/api/v1/catalog")
    etag = first.headers["ETag"]
    assert etag
    again = client.get("/api/v1/catalog", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    other = client.get("/api/v1/catalog", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404
    response = client.post("/api/v1/catalog")
    assert response.status_code == 405
    assert response.get_json()["error"] == "Metode tidak diizinkan"
