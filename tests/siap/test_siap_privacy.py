"""Anonymity at rest and in logs: byte scans, forwarded addresses, 500s, access logs."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import pytest

from portal.core.access import PUBLIC, access
from portal.siap import crypto, privacy
from tests.siap.conftest import complaint_data, only_ref, receipt_of, sentinel

# On the PostgreSQL pass the SIAP bind is a server database, not a file under instance/.
SQLITE_FILES_ONLY = pytest.mark.skipif(
    bool(os.environ.get("PORTAL_TEST_SIAP_DATABASE_URL")),
    reason="scans the SQLite files under instance/; the SQLite pass covers it",
)

ADDRESS = "203.0.113.77"


@pytest.fixture
def log_file(app):
    """A file handler on the root logger, as a production deployment would have.

    SQLAlchemy's statement log is switched on too, so every value sent to a database
    would also pass through the log.
    """
    path = Path(app.instance_path) / "logs" / "portal.log"
    path.parent.mkdir(exist_ok=True)
    handler = logging.FileHandler(path)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    engine_log = logging.getLogger("sqlalchemy.engine")
    level = engine_log.level
    engine_log.setLevel(logging.INFO)
    yield path
    engine_log.setLevel(level)
    root.removeHandler(handler)
    handler.close()


def instance_bytes(app) -> dict[str, bytes]:
    """Every file under the instance folder: databases with -wal/-shm, uploads, logs, secrets."""
    return {str(p): p.read_bytes() for p in Path(app.instance_path).rglob("*") if p.is_file()}


def assert_absent(needles: list[str], app, caplog, log_file, uploads: bool = True):
    """No needle in any file under instance/, in the captured records, or in the log file."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    files = instance_bytes(app)
    assert any(name.endswith("siap.db") for name in files)
    assert any(name.endswith("siap.db-wal") for name in files), "WAL file expected while the app runs"
    assert not uploads or any("siap_files" in name for name in files)
    assert "siap_complaint" in log_file.read_text(), "the log file saw the statements"
    for needle in needles:
        for name, data in files.items():
            assert needle.encode() not in data, (needle, name)
            assert needle.encode("utf-16-le") not in data, (needle, name)
        assert needle not in caplog.text


@SQLITE_FILES_ONLY
def test_sentinel_never_reaches_disk_or_logs_while_both_sides_read_it(app, member_client, caplog, log_file):
    caplog.set_level(logging.DEBUG)
    marker = sentinel()
    reporter = app.test_client()
    env = {"REMOTE_ADDR": ADDRESS}
    filed = reporter.post(
        "/siap/lapor",
        environ_base=env,
        data={
            "kategori": "kode_etik",
            "peristiwa": marker,
            "pihak": marker,
            "waktu": marker,
            "tempat": marker,
            "uraian": f"Uraian {marker}",
            "nama": marker,
            "kontak": f"{marker}@contoh.id",
            "berkas": [(io.BytesIO(f"isi {marker}".encode() * 12_000), f"{marker}.pdf")],
            "kunci": complaint_data()["kunci"],
        },
        follow_redirects=True,
    )
    receipt = receipt_of(filed)
    reporter.post(
        "/siap/laporan/pesan",
        environ_base=env,
        data={"pesan": f"pesan {marker}", "berkas": (io.BytesIO(marker.encode()), f"{marker}.txt")},
    )
    ref = only_ref(member_client)
    member_client.post(f"/siap/sekretariat/pengaduan/{ref}/balas", data={"pesan": f"balasan {marker}"})
    member_client.post(f"/siap/sekretariat/pengaduan/{ref}/catatan", data={"catatan": f"catatan {marker}"})

    assert_absent([marker, receipt, crypto.normalise_receipt(receipt), ADDRESS], app, caplog, log_file)

    staff_view = member_client.get(f"/siap/sekretariat/pengaduan/{ref}").get_data(as_text=True)
    for text in ("Uraian", "pesan", "balasan", "catatan"):
        assert f"{text} {marker}" in staff_view
    assert f"{marker}@contoh.id" in staff_view
    again = app.test_client()
    again.post("/siap/masuk", data={"resi": receipt})
    own_view = again.get("/siap/laporan").get_data(as_text=True)
    assert f"Uraian {marker}" in own_view and f"balasan {marker}" in own_view and f"{marker}.txt" in own_view


@SQLITE_FILES_ONLY
def test_forwarded_address_and_user_agent_leave_no_trace(app, member, member_client, caplog, log_file):
    caplog.set_level(logging.DEBUG)
    agent = f"Mozilla/5.0 {sentinel()}"
    headers = {"X-Forwarded-For": ADDRESS, "X-Real-IP": ADDRESS, "User-Agent": agent}
    client = app.test_client()
    env = {"REMOTE_ADDR": ADDRESS}
    for path in ("/siap", "/siap/lapor", "/siap/masuk", "/siap/laporan", "/siap/tidak-ada", "/siap/sekretariat"):
        client.get(path, headers=headers, environ_base=env)
    filed = client.post(
        "/siap/lapor",
        headers=headers,
        environ_base=env,
        data=complaint_data("x", uraian="y"),
        follow_redirects=True,
    )
    client.post("/siap/laporan/pesan", headers=headers, environ_base=env, data={"pesan": "z"})
    client.post("/siap/masuk", headers=headers, environ_base=env, data={"resi": crypto.new_receipt()})
    client.post("/siap/masuk", headers=headers, environ_base=env, data={"resi": receipt_of(filed)})
    member_client.get("/siap/sekretariat", headers=headers, environ_base=env)
    assert_absent([ADDRESS, agent], app, caplog, log_file, uploads=False)


def test_an_exception_on_a_siap_route_logs_nothing_identifying(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    marker = sentinel()

    @app.get("/siap/_uji/galat")
    @access(PUBLIC)
    def boom():
        raise RuntimeError(f"isi pengaduan {marker}")

    caplog.set_level(logging.DEBUG)
    response = app.test_client().get(
        "/siap/_uji/galat", headers={"User-Agent": marker}, environ_base={"REMOTE_ADDR": ADDRESS}
    )
    assert response.status_code == 500
    assert response.headers["Cache-Control"].startswith("no-store")
    assert "Unhandled RuntimeError on a SIAP route" in caplog.text and "boom" in caplog.text
    for needle in (marker, ADDRESS, "/siap/_uji"):
        assert needle not in caplog.text


def test_throttle_and_web_server_access_lines_for_siap_are_dropped(caplog):
    caplog.set_level(logging.DEBUG)
    privacy.install_log_filters()
    gunicorn = logging.getLogger("gunicorn.access")
    gunicorn.info('%(h)s "%(r)s"', {"h": ADDRESS, "r": "GET /siap/laporan HTTP/1.1", "U": "/siap/laporan"})
    logging.getLogger("werkzeug").info('%s - - "%s" 200 -', ADDRESS, "GET /siap/masuk HTTP/1.1")
    assert ADDRESS not in caplog.text
    gunicorn.info('%(h)s "%(r)s"', {"h": "192.0.2.1", "r": "GET /layanan HTTP/1.1", "U": "/layanan"})
    assert "192.0.2.1" in caplog.text  # other routes keep their access lines


@pytest.fixture
def throttled_app(make_app):
    from tests.siap.conftest import SIAP_TEST_CONFIG

    return make_app(RATELIMIT_ENABLED=True, **SIAP_TEST_CONFIG)


def test_twenty_wrong_receipts_are_throttled(throttled_app, caplog):
    caplog.set_level(logging.DEBUG)
    client = throttled_app.test_client()
    codes = [client.post("/siap/masuk", data={"resi": crypto.new_receipt()}).status_code for _ in range(20)]
    assert 429 in codes and codes[0] == 401
    assert "ratelimit" not in caplog.text and "siap-" not in caplog.text  # the limiter logs no key


def test_throttle_counts_per_receipt(throttled_app):
    typed = crypto.new_receipt()
    codes = [
        throttled_app.test_client()
        .post("/siap/masuk", data={"resi": typed.lower()}, environ_base={"REMOTE_ADDR": f"198.51.100.{i}"})
        .status_code
        for i in range(7)
    ]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]


def test_uploads_never_touch_a_plaintext_temporary_file(app, member, monkeypatch):
    import tempfile

    import werkzeug.formparser

    spooled = []

    class Recorder(tempfile.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs):
            spooled.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", Recorder)
    # Werkzeug makes this spooled file for every upload and writes it to disk past 500 KB;
    # a small file (the test client leaks its own temp file for bodies over 500 KB) shows it.
    upload = io.BytesIO(b"z" * 100_000)
    response = app.test_client().post("/siap/lapor", data=complaint_data(berkas=(upload, "besar.bin")))
    assert response.status_code == 303
    assert spooled == []


def test_receipt_failures_are_audited_without_any_client_detail(app, member, caplog):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.siap.models import SiapAuditEvent

    app.test_client().post(
        "/siap/masuk",
        data={"resi": crypto.new_receipt()},
        environ_base={"REMOTE_ADDR": ADDRESS},
        headers={"User-Agent": "UA-SENTINEL"},
    )
    with app.app_context():
        event = db.session.scalars(select(SiapAuditEvent).where(SiapAuditEvent.action == "gagal_masuk_pelapor")).one()
    assert event.complaint_ref is None and event.actor_user_id is None
    assert ADDRESS not in f"{event.detail}{event.actor}" and "UA-SENTINEL" not in event.detail


def test_busy_key_derivation_answers_503_with_the_siap_headers(app, member, monkeypatch):
    from portal.siap import crypto as siap_crypto

    def busy(*args, **kwargs):
        raise siap_crypto.KdfBusy("all slots taken")

    monkeypatch.setattr(siap_crypto.Kdf, "derive", busy)
    response = app.test_client().post("/siap/masuk", data={"resi": crypto.new_receipt()})
    assert response.status_code == 503 and "Layanan sedang sibuk" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"].startswith("no-store")


def test_unlocking_is_throttled_per_member(throttled_app):
    from portal.auth.models import User
    from portal.extensions import db
    from portal.siap import members
    from tests.conftest import add_staff
    from tests.siap.conftest import MEMBER_PASSWORD, UNIT

    user_id = add_staff(throttled_app, email="s@kemenkeu.go.id", name="S", password=MEMBER_PASSWORD, units=[UNIT])
    with throttled_app.app_context():
        members.init_unit(db.session, db.session.get(User, user_id), MEMBER_PASSWORD)
    client = throttled_app.test_client()
    client.post("/staf/masuk", data={"email": "s@kemenkeu.go.id", "password": MEMBER_PASSWORD})
    codes = [client.post("/siap/sekretariat/buka", data={"password": "salah-salah"}).status_code for _ in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
