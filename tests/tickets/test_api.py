"""Ticket API for channel integrations: bearer tokens, validation, ISO 8601 +07:00."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import ApiToken


@pytest.fixture
def token(app):
    result = app.test_cli_runner().invoke(args=["api-token", "create", "whatsapp-bot"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def auth(token):
    return {"Authorization": f"Bearer {token}"}


PAYLOAD = {
    "request_type": "informasi-sp2d",
    "service_code": "CRSM.01",
    "user_type": 5,
    "fields": {
        "nama": "CV Maju",
        "email": "admin@maju.co.id",
        "nomor_sp2d": "240111301000123",
        "nomor_rekening": "1234567890",
    },
}


def test_create_and_read(client, token):
    response = client.post("/api/v1/tickets", json=PAYLOAD, headers=auth(token))
    assert response.status_code == 201, response.get_json()
    doc = response.get_json()
    assert doc["reference"].startswith("HAI-2611-")
    # Friday 15.00 + 16 working hours (CRSM.01: 8 s.d. 16) → Tuesday 15.00, with the zone offset.
    assert doc["due_at"] == "2026-12-01T15:00:00+07:00"
    assert doc["received_at"] == "2026-11-27T15:00:00+07:00"
    summary = client.get(f"/api/v1/tickets/{doc['reference']}", headers=auth(token)).get_json()
    assert summary["status"] == "baru" and summary["service_code"] == "CRSM.01"
    assert "email" not in str(summary) and "CV Maju" not in str(summary)


def test_validation_errors_per_field(client, token):
    bad = {**PAYLOAD, "fields": {**PAYLOAD["fields"], "nomor_sp2d": "abc", "email": "bukan"}}
    response = client.post("/api/v1/tickets", json=bad, headers=auth(token))
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {"nomor_sp2d", "email"}
    closed = {
        **PAYLOAD,
        "service_code": "ITSM.01",
        "request_type": "pembuatan-tiket",
        "fields": {"nama": "A", "email": "a@b.co.id", "subjek": "Halo dunia", "detail": "Detail cukup panjang"},
    }
    assert client.post("/api/v1/tickets", json=closed, headers=auth(token)).status_code == 422


@pytest.mark.parametrize("header", [None, "Bearer salah", "Basic abc", "Bearer "])
def test_token_required(client, header):
    headers = {"Authorization": header} if header else {}
    assert client.post("/api/v1/tickets", json=PAYLOAD, headers=headers).status_code == 401
    assert client.get("/api/v1/tickets/HAI-2611-AAAAAAAA", headers=headers).status_code == 401


def test_revoked_token_stops_working(app, client, token):
    app.test_cli_runner().invoke(args=["api-token", "revoke", "whatsapp-bot"])
    assert client.post("/api/v1/tickets", json=PAYLOAD, headers=auth(token)).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"[]",
        b"{",
        b'{"fields": 3}',
        b'{"service_code": "CRSM.01", "request_type": "x"}',
        b'{"service_code": "CRSM.01", "request_type": "informasi-sp2d", "fields": {"nama": 5}}',
        b'{"service_code": ["x"], "request_type": {}, "fields": {}}',
    ],
)
def test_malformed_bodies_get_4xx(client, token, body):
    response = client.post("/api/v1/tickets", data=body, headers={**auth(token), "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500


def test_last_use_is_written_at_most_once_a_minute(app, client, token):
    def last_used():
        with app.app_context():
            return db.session.scalars(select(ApiToken)).one().last_used_at

    assert last_used() is None
    client.get("/api/v1/tickets/HAI-2611-00000000", headers=auth(token))
    first = last_used()
    assert first is not None
    client.get("/api/v1/tickets/HAI-2611-00000000", headers=auth(token))
    assert last_used() == first, "a read a moment later must not write the token row again"
    app.config["NOW"] = app.config["NOW"] + timedelta(minutes=2)  # the application's clock moves on
    client.get("/api/v1/tickets/HAI-2611-00000000", headers=auth(token))
    assert last_used() == app.config["NOW"] > first
