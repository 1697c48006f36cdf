"""SIAP domain rules below the pages: storage at rest, receipts, transitions, members."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.siap import context, crypto, members, service, storage
from portal.siap.models import REPORTER, SECRETARIAT, Complaint, ComplaintEntry, UnitKeyGrant
from tests.siap.conftest import sentinel

REPORT = {"kategori": "disiplin", "peristiwa": "", "pihak": "", "waktu": "", "tempat": "", "uraian": ""}


def _submit(text: str, files=()):
    report = {**REPORT, "peristiwa": text, "uraian": text}
    uploads = [storage.Upload(name, io.BytesIO(data)) for name, data in files]
    return service.submit(db.session, report, {"nama": text, "kontak": ""}, uploads)


def test_rows_hold_only_ciphertext_and_the_receipt_only_as_hmac(app, member):
    marker = sentinel()
    with app.app_context():
        receipt, complaint, key = _submit(marker, [(f"{marker}.txt", marker.encode())])
        db.session.expire_all()
        row = db.session.get(Complaint, complaint.id)
        blobs = [row.key_for_unit, row.key_for_reporter, row.lookup] + [e.body for e in row.entries]
        blobs += [a.meta for a in row.attachments] + [a.sealed_file_key for a in row.attachments]
        for blob in blobs:
            assert marker.encode() not in blob and receipt.encode() not in blob
        assert row.lookup == crypto.lookup_id(context.get().pepper, receipt)
        stored = (context.get().files_dir / row.attachments[0].stored_name).read_bytes()
        assert marker.encode() not in stored
        thread = service.read_thread(row, key, internal=False)
        assert thread.report["uraian"] == marker and thread.identity == {"nama": marker, "kontak": ""}
        assert storage.read(row.attachments[0], key) == (f"{marker}.txt", marker.encode())


def test_receipt_opens_only_its_own_complaint(app, member):
    with app.app_context():
        receipt_a, a, key_a = _submit("satu")
        receipt_b, b, _ = _submit("dua")
        opened = service.open_with_receipt(db.session, crypto.format_receipt(receipt_a).lower())
        assert opened is not None and opened[0].id == a.id and opened[1] == key_a
        assert service.open_with_receipt(db.session, crypto.new_receipt()) is None
        assert service.open_with_receipt(db.session, "bukan resi") is None


def test_another_pepper_finds_nothing(app, member):
    with app.app_context():
        receipt, _, _ = _submit("satu")
        ctx = context.get()
        app.extensions["siap"] = context.SiapContext(b"x" * 64, ctx.kdf, ctx.files_dir)
        assert service.open_with_receipt(db.session, receipt) is None


def test_unit_key_opens_every_complaint_key(app, member):
    from portal.auth.models import User

    with app.app_context():
        _, complaint, key = _submit("satu")
        state, unit_private = members.unlock(db.session, db.session.get(User, member.id), member.password)
        assert state is members.Unlock.OPEN
        assert service.complaint_key(complaint, unit_private) == key


def test_a_complaint_containing_its_own_receipt_is_refused(app, member, monkeypatch):
    fixed = "0123456789ABCDEFGHJK"
    monkeypatch.setattr(crypto, "new_receipt", lambda: fixed)
    with app.app_context(), pytest.raises(service.SiapError, match="kode resi"):
        _submit(f"resi saya {crypto.format_receipt(fixed).lower()}")
    with app.app_context():
        assert db.session.scalars(select(Complaint)).all() == []


def test_a_message_containing_the_receipt_is_refused(app, member):
    with app.app_context():
        receipt, complaint, _ = _submit("satu")
        with pytest.raises(service.SiapError, match="kode resi"):
            service.add_entry(db.session, complaint, f"ini kode {crypto.format_receipt(receipt)}", [], author=REPORTER)
        service.add_entry(db.session, complaint, "pesan biasa", [], author=REPORTER)
        assert len(complaint.entries) == 2


def test_status_moves_only_along_the_table(app, member):
    with app.app_context():
        _, complaint, _ = _submit("satu")
        with pytest.raises(service.SiapError):
            service.change_status(db.session, complaint, "selesai", member.id)
        for step in ("diverifikasi", "ditindaklanjuti", "selesai"):
            service.change_status(db.session, complaint, step, member.id)
        assert complaint.closed_at is not None
        with pytest.raises(service.SiapError):
            service.change_status(db.session, complaint, "baru", member.id)
        with pytest.raises(service.SiapError, match="ditutup"):
            service.add_entry(db.session, complaint, "masih ada?", [], author=REPORTER)
    assert service.TRANSITIONS["selesai"] == service.TRANSITIONS["ditolak"] == ()


def test_internal_notes_stay_out_of_the_reporter_thread(app, member):
    with app.app_context():
        _, complaint, key = _submit("satu")
        service.add_entry(
            db.session, complaint, "catatan rahasia", [], author=SECRETARIAT, kind="catatan", user_id=member.id
        )
        service.add_entry(db.session, complaint, "balasan", [], author=SECRETARIAT, user_id=member.id)
        reporter = [i.text for i in service.read_thread(complaint, key, internal=False).items]
        staff = [i.text for i in service.read_thread(complaint, key, internal=True).items]
        assert reporter == ["balasan"] and staff == ["catatan rahasia", "balasan"]


def test_file_names_lose_their_path(app):
    assert storage.clean_name("../../etc/passwd") == "passwd"
    assert storage.clean_name("C:\\Users\\saya\\bukti.pdf") == "bukti.pdf"
    assert storage.clean_name("\x00\x1f") == "berkas"
    with pytest.raises(ValueError):
        storage.path_of("../siap.db")


def test_files_over_the_limit_are_refused_and_leave_nothing(make_app):
    from tests.siap.conftest import SIAP_TEST_CONFIG

    app = make_app(SIAP_MAX_FILE_BYTES=100, **SIAP_TEST_CONFIG)
    from portal.auth import service as auth
    from portal.auth.models import User

    with app.app_context():
        user = auth.create_user(db.session, email="s@kemenkeu.go.id", name="S", role="agen",
                                password="kata-sandi-rahasia-9", units=["Sekretariat DJPb"],
                                known_units=auth.owner_units(app.extensions["catalog"]), ph=auth.hasher(1024))
        members.init_unit(db.session, db.session.get(User, user.id), "kata-sandi-rahasia-9")
        with pytest.raises(storage.FileRefused):
            _submit("satu", [("besar.bin", b"x" * 500)])
        assert db.session.scalars(select(ComplaintEntry)).all() == []
        assert list(context.get().files_dir.iterdir()) == []


def test_nothing_can_be_filed_before_the_unit_key_exists(app):
    with app.app_context(), pytest.raises(service.NotReady):
        _submit("satu")


def test_admins_and_outsiders_never_get_a_grant(app, member, make_user):
    from portal.auth.models import User

    admin = make_user(email="admin@kemenkeu.go.id", role="admin", units=("Sekretariat DJPb",))
    outsider = make_user(email="agen@kemenkeu.go.id", role="agen", units=("Direktorat SITP",))
    with app.app_context():
        for user_id in (admin, outsider):
            with pytest.raises(service.SiapError):
                members.grant(db.session, member.id, db.session.get(User, user_id))
        assert {g.user_id for g in db.session.scalars(select(UnitKeyGrant))} == {member.id}
