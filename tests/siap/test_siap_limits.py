"""Limits that cannot be turned into a lock-out: receipt sign-in, filing per client, upload bytes."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup

from portal.siap import crypto
from tests.siap.conftest import SIAP_TEST_CONFIG, complaint_data, receipt_of


@pytest.fixture
def app(make_app):
    """The SIAP test app with the rate limits switched on (fresh limiter storage).

    It replaces ``app`` so ``member`` and ``file_complaint`` use it too: the limiter is
    one object, configured by the last app built.
    """
    from portal.extensions import limiter

    built = make_app(RATELIMIT_ENABLED=True, **SIAP_TEST_CONFIG)
    with built.app_context():
        limiter.reset()
    return built


@pytest.fixture
def throttled_app(app):
    """The same app, under the name the tests read best with."""
    return app


def test_attackers_on_several_addresses_cannot_lock_a_genuine_reporter_out(throttled_app, file_complaint):
    _, receipt = file_complaint()
    codes = []
    for attacker in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "2001:db8:1::1"):
        client = throttled_app.test_client()
        for _ in range(15):  # past the per-client limit (10 failures) of each address
            response = client.post(
                "/siap/masuk", data={"resi": crypto.new_receipt()}, environ_base={"REMOTE_ADDR": attacker}
            )
            codes.append(response.status_code)
    assert codes.count(429) >= 4 * 5, "each attacking address is throttled"
    genuine = throttled_app.test_client().post(
        "/siap/masuk", data={"resi": receipt}, environ_base={"REMOTE_ADDR": "203.0.113.200"}
    )
    assert genuine.status_code == 303 and genuine.headers["Location"] == "/siap/laporan"


def test_ipv6_clients_are_counted_per_64_network(throttled_app):
    codes = []
    for i in range(12):  # a new address of the same /64 every time
        env = {"REMOTE_ADDR": f"2001:db8:7:7::{i + 1:x}"}
        codes.append(
            throttled_app.test_client()
            .post("/siap/masuk", data={"resi": crypto.new_receipt()}, environ_base=env)
            .status_code
        )
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]


def _form(page) -> BeautifulSoup:
    return BeautifulSoup(page.get_data(as_text=True), "html.parser")


def test_filing_is_limited_per_client_and_the_refusal_keeps_the_text(throttled_app, member):
    throttled_app.config["SIAP_REPORT_LIMIT_CLIENT"] = "3 per hour"
    env = {"REMOTE_ADDR": "198.51.100.9"}
    client = throttled_app.test_client()
    codes = [
        client.post("/siap/lapor", data=complaint_data(f"Laporan {i}"), environ_base=env).status_code for i in range(3)
    ]
    assert codes == [303, 303, 303]
    refused = client.post(
        "/siap/lapor", data=complaint_data("Kejadian keempat", uraian="Uraian panjang saya"), environ_base=env
    )
    assert refused.status_code == 429
    page = _form(refused)
    assert "Terlalu banyak pengaduan dikirim dari jaringan Anda" in page.get_text()
    assert page.find("input", attrs={"name": "peristiwa"})["value"] == "Kejadian keempat"
    assert page.find("textarea", attrs={"name": "uraian"}).get_text().strip() == "Uraian panjang saya"
    assert page.find("input", attrs={"name": "kunci"})["value"], "the kept form can be sent again"
    other = throttled_app.test_client().post(
        "/siap/lapor", data=complaint_data("Orang lain"), environ_base={"REMOTE_ADDR": "198.51.100.10"}
    )
    assert other.status_code == 303, "another client still files"


def test_upload_bytes_per_hour_are_bounded_for_the_whole_service(throttled_app, member):
    throttled_app.config["SIAP_UPLOAD_BYTES_PER_HOUR"] = 250_000
    first = throttled_app.test_client().post(
        "/siap/lapor",
        data=complaint_data("Pertama", berkas=(io.BytesIO(b"a" * 200_000), "a.pdf")),
        environ_base={"REMOTE_ADDR": "198.51.100.21"},
    )
    assert first.status_code == 303
    refused = throttled_app.test_client().post(
        "/siap/lapor",
        data=complaint_data("Kedua dengan bukti", berkas=(io.BytesIO(b"b" * 100_000), "b.pdf")),
        environ_base={"REMOTE_ADDR": "198.51.100.22"},
    )
    assert refused.status_code == 429
    page = _form(refused)
    assert "Kapasitas unggah berkas layanan ini sedang penuh" in page.get_text()
    assert page.find("input", attrs={"name": "peristiwa"})["value"] == "Kedua dengan bukti"
    without_files = throttled_app.test_client().post(
        "/siap/lapor",
        data=complaint_data("Kedua tanpa bukti"),
        environ_base={"REMOTE_ADDR": "198.51.100.22"},
        follow_redirects=True,
    )
    assert receipt_of(without_files), "text alone is never refused by the byte budget"
    small = throttled_app.test_client().post(
        "/siap/lapor",
        data=complaint_data("Ketiga", berkas=(io.BytesIO(b"c" * 40_000), "c.pdf")),
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    assert small.status_code == 303, "a refused upload did not use up the budget"


def test_messages_with_files_share_the_upload_budget(throttled_app, file_complaint):
    throttled_app.config["SIAP_UPLOAD_BYTES_PER_HOUR"] = 50_000
    client, _ = file_complaint()
    refused = client.post(
        "/siap/laporan/pesan", data={"pesan": "Bukti tambahan saya", "berkas": (io.BytesIO(b"z" * 60_000), "z.pdf")}
    )
    assert refused.status_code == 429
    assert _form(refused).find("textarea", attrs={"name": "pesan"}).get_text().strip() == "Bukti tambahan saya"


def test_messages_are_limited_per_client_and_the_refusal_keeps_the_text(throttled_app, file_complaint):
    throttled_app.config["SIAP_MESSAGE_LIMIT_CLIENT"] = "2 per hour"
    client, _ = file_complaint()
    env = {"REMOTE_ADDR": "198.51.100.31"}
    sent = [client.post("/siap/laporan/pesan", data={"pesan": f"Tambahan {i}"}, environ_base=env) for i in range(2)]
    assert [r.status_code for r in sent] == [303, 303]
    refused = client.post("/siap/laporan/pesan", data={"pesan": "Pesan ketiga saya"}, environ_base=env)
    assert refused.status_code == 429
    page = _form(refused)
    assert "Terlalu banyak pesan dikirim dari jaringan Anda" in page.get_text()
    assert page.find("textarea", attrs={"name": "pesan"}).get_text().strip() == "Pesan ketiga saya"
    thread = client.get("/siap/laporan", environ_base=env).get_data(as_text=True)
    assert "Tambahan 1" in thread and "Pesan ketiga saya" not in thread  # refused, so not stored
    other = {"REMOTE_ADDR": "198.51.100.32"}
    elsewhere = client.post("/siap/laporan/pesan", data={"pesan": "Dari jaringan lain"}, environ_base=other)
    assert elsewhere.status_code == 303, "the limit is per client, not per complaint"
