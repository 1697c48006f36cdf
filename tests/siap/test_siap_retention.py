"""Retention and the command line: ``flask siap init-unit`` and ``flask siap expire``."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from portal.extensions import db
from portal.siap.models import Complaint, ComplaintEntry, ComplaintFile, KeySession, SiapAuditEvent, UnitKey
from tests.siap.conftest import UNIT, only_ref


def _close(member_client, ref: str) -> None:
    for step in ("diverifikasi", "ditindaklanjuti", "selesai"):
        member_client.post(f"/siap/sekretariat/pengaduan/{ref}/status", data={"status": step})


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_expire_removes_rows_files_keys_and_the_receipt(app, member_client, file_complaint):
    reporter, receipt = file_complaint("akan kedaluwarsa")
    reporter.post("/siap/laporan/pesan", data={"pesan": "bukti", "berkas": (io.BytesIO(b"isi"), "b.txt")})
    ref = only_ref(member_client)
    _close(member_client, ref)
    files_dir = app.extensions["siap"].files_dir
    with app.app_context():
        complaint = db.session.scalars(select(Complaint)).one()
        key_bytes = [complaint.public_key, complaint.key_for_unit, complaint.key_for_reporter]
    assert list(files_dir.iterdir())

    runner = app.test_cli_runner()
    assert "0 pengaduan" in runner.invoke(args=["siap", "expire"]).output  # closed today: kept

    app.config["NOW"] = datetime.now(UTC) + timedelta(days=91)
    try:
        result = runner.invoke(args=["siap", "expire"])
    finally:
        app.config["NOW"] = None
    assert result.exit_code == 0 and "1 pengaduan" in result.output
    with app.app_context():
        assert [_count(m) for m in (Complaint, ComplaintEntry, ComplaintFile)] == [0, 0, 0]
        assert not db.session.scalars(select(KeySession).where(KeySession.complaint_id.is_not(None))).all()
        assert db.session.scalars(select(SiapAuditEvent).where(SiapAuditEvent.action == "kedaluwarsa")).one()
    assert list(files_dir.iterdir()) == []
    # the deleted key material is overwritten, not only unlinked from the b-tree
    stored = b"".join(p.read_bytes() for p in Path(app.instance_path).glob("siap.db*"))
    for blob in key_bytes:
        assert blob not in stored
    assert reporter.get("/siap/laporan").headers["Location"].endswith("/siap/masuk")
    assert app.test_client().post("/siap/masuk", data={"resi": receipt}).status_code == 401


def test_open_complaints_never_expire(app, member_client, file_complaint):
    file_complaint("masih berjalan")
    app.config["NOW"] = datetime.now(UTC) + timedelta(days=3650)
    try:
        app.test_cli_runner().invoke(args=["siap", "expire"])
    finally:
        app.config["NOW"] = None
    with app.app_context():
        assert _count(Complaint) == 1


def test_init_unit_from_the_command_line(app, make_user):
    make_user(email="pertama@kemenkeu.go.id", role="ketua", units=(UNIT,), password="kata-sandi-rahasia-1")
    make_user(email="admin@kemenkeu.go.id", role="admin", units=(UNIT,), password="kata-sandi-rahasia-1")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["siap", "init-unit", "--email", "admin@kemenkeu.go.id"],
                            input="kata-sandi-rahasia-1\n")
    assert refused.exit_code == 1 and "bukan agen atau ketua" in refused.output
    wrong = runner.invoke(args=["siap", "init-unit", "--email", "pertama@kemenkeu.go.id", "--password", "salah"])
    assert wrong.exit_code == 1 and "tidak cocok" in wrong.output
    done = runner.invoke(args=["siap", "init-unit", "--email", "pertama@kemenkeu.go.id"],
                         input="kata-sandi-rahasia-1\n")
    assert done.exit_code == 0, done.output
    again = runner.invoke(args=["siap", "init-unit", "--email", "pertama@kemenkeu.go.id"],
                          input="kata-sandi-rahasia-1\n")
    assert again.exit_code == 1 and "sudah ada" in again.output
    with app.app_context():
        assert _count(UnitKey) == 1


def test_init_unit_seals_a_copy_to_the_offline_recovery_key(make_app, make_user):
    from portal.siap import crypto
    from tests.siap.conftest import SIAP_TEST_CONFIG

    recovery_private, recovery_public = crypto.new_keypair()
    app = make_app(SIAP_RECOVERY_PUBLIC_KEY=recovery_public.hex(), **SIAP_TEST_CONFIG)
    from portal.auth import service as auth

    with app.app_context():
        auth.create_user(db.session, email="p@kemenkeu.go.id", name="P", role="agen", password="kata-sandi-rahasia-1",
                         units=[UNIT], known_units=auth.owner_units(app.extensions["catalog"]), ph=auth.hasher(1024))
    result = app.test_cli_runner().invoke(args=["siap", "init-unit", "--email", "p@kemenkeu.go.id"],
                                          input="kata-sandi-rahasia-1\n")
    assert result.exit_code == 0 and "pemulihan" in result.output
    with app.app_context():
        unit = db.session.scalars(select(UnitKey)).one()
        private = crypto.unseal(recovery_private, unit.recovery_copy)
        assert bytes(crypto.PrivateKey(private).public_key) == unit.public_key


def test_siap_database_can_be_migrated_by_hand(make_app, tmp_path):
    from sqlalchemy import inspect

    from tests.siap.conftest import SIAP_TEST_CONFIG

    app = make_app(AUTO_MIGRATE=False, **SIAP_TEST_CONFIG)
    with app.app_context():
        assert inspect(db.engines["siap"]).get_table_names() == []
    result = app.test_cli_runner().invoke(args=["siap", "db-upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "siap_complaint" in inspect(db.engines["siap"]).get_table_names()
