"""Post/redirect/get after filing, the receipt shown once, the one-time form key, hour-only times."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import DateTime, func, select

from portal.extensions import db
from portal.siap import crypto, formkeys
from portal.siap.models import BIND, Complaint, FormKey
from tests.siap.conftest import complaint_data, only_ref, receipt_of

SHOWN_ONCE = "Kode resi hanya ditampilkan satu kali, dan sudah ditampilkan"


def complaints(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Complaint))


def _cookies_hold_no_receipt(app, client, receipt: str) -> None:
    compact = crypto.normalise_receipt(receipt)
    serializer = app.session_interface.get_signing_serializer(app)
    for cookie in client._cookies.values():
        value = cookie.value
        assert receipt not in value and compact not in value
        if cookie.key == app.config["SESSION_COOKIE_NAME"]:
            assert compact not in str(serializer.loads(value)).replace("-", "")


def test_filing_redirects_and_the_receipt_page_shows_it_once(app, member):
    client = app.test_client()
    filed = client.post("/siap/lapor", data=complaint_data())
    assert filed.status_code == 303 and filed.headers["Location"] == "/siap/resi"
    assert b"siap-receipt-code" not in filed.data  # the answer to the POST carries no receipt
    first = client.get("/siap/resi")
    receipt = receipt_of(first)
    assert crypto.normalise_receipt(receipt) and SHOWN_ONCE not in first.get_data(as_text=True)
    # No language link while the code shows: following it would reload the page without the code.
    assert "/siap/bahasa/" not in first.get_data(as_text=True)
    _cookies_hold_no_receipt(app, client, receipt)
    again = client.get("/siap/resi")
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and SHOWN_ONCE in text and "/siap/bahasa/" in text
    assert receipt not in text and crypto.normalise_receipt(receipt) not in text
    assert "Lihat pengaduan saya" in text  # still signed in to the complaint just filed
    assert client.get("/siap/laporan").status_code == 200
    stranger = app.test_client().get("/siap/resi").get_data(as_text=True)
    assert SHOWN_ONCE in stranger and "siap-receipt-code" not in stranger


def test_the_same_form_sent_again_files_one_complaint(app, member):
    data = complaint_data("Sekali saja")
    client = app.test_client()
    assert client.post("/siap/lapor", data=data).status_code == 303
    receipt = receipt_of(client.get("/siap/resi"))
    resent = client.post("/siap/lapor", data=data)  # a refresh of the POST, or a double click
    assert resent.status_code == 303 and resent.headers["Location"] == "/siap/resi"
    refreshed = client.get("/siap/resi").get_data(as_text=True)
    assert SHOWN_ONCE in refreshed and receipt not in refreshed
    other = app.test_client().post("/siap/lapor", data=data)  # the same form, replayed elsewhere
    assert other.status_code == 303
    assert complaints(app) == 1
    assert app.test_client().post("/siap/lapor", data=complaint_data("Formulir baru")).status_code == 303
    assert complaints(app) == 2


def test_form_keys_are_stored_only_as_hashes_and_expire(app, member):
    data = complaint_data()
    app.test_client().post("/siap/lapor", data=data)
    with app.app_context():
        stored = db.session.scalars(select(FormKey)).all()
    assert [row.key_hash for row in stored] == [formkeys.digest(data["kunci"])]
    assert data["kunci"] not in stored[0].key_hash

    app.config["SIAP_FORM_KEY_HOURS"] = 2
    with app.app_context():
        old = formkeys.new_key()
    try:
        app.config["NOW"] = datetime.now(UTC) + timedelta(hours=4)  # hashes are kept an hour longer
        late = app.test_client().post("/siap/lapor", data=complaint_data("Ditulis lama", kunci=old))
        assert late.status_code == 400
        page = BeautifulSoup(late.get_data(as_text=True), "html.parser")
        assert "sudah terlalu lama dibuka" in page.get_text()
        assert page.find("input", attrs={"name": "peristiwa"})["value"] == "Ditulis lama"
        fresh = page.find("input", attrs={"name": "kunci"})["value"]
        assert fresh != old
        with app.app_context():
            assert formkeys.is_fresh(fresh) and not formkeys.is_fresh(old)
        missing = app.test_client().post("/siap/lapor", data=complaint_data("Tanpa kunci", kunci=""))
        assert missing.status_code == 400 and complaints(app) == 1
        resent = app.test_client().post("/siap/lapor", data=complaint_data("Ditulis lama", kunci=fresh))
        assert resent.status_code == 303 and complaints(app) == 2
        with app.app_context():  # the first hash outlived its key: filing dropped it
            assert formkeys.digest(data["kunci"]) not in db.session.scalars(select(FormKey.key_hash)).all()
    finally:
        app.config["NOW"] = None


def test_times_stored_in_clear_are_hours_and_exact_times_stay_sealed(app, member, member_client):
    moment = datetime(2026, 12, 3, 3, 37, 12, 345678, tzinfo=UTC)  # 10.37 WIB
    app.config["NOW"] = moment
    try:
        with app.app_context():
            key = formkeys.new_key()
        reporter = app.test_client()
        reporter.post("/siap/lapor", data=complaint_data(kunci=key, berkas=(io.BytesIO(b"bukti"), "a.pdf")))
        app.config["NOW"] = moment + timedelta(minutes=5)
        reporter.post("/siap/laporan/pesan", data={"pesan": "Tambahan"})
        member_client.post("/siap/sekretariat/buka", data={"password": member.password})
        ref = only_ref(member_client)
        member_client.post(f"/siap/sekretariat/pengaduan/{ref}/status", data={"status": "diverifikasi"})
        member_client.post(f"/siap/sekretariat/pengaduan/{ref}/balas", data={"pesan": "Diterima"})
        thread = reporter.get("/siap/laporan").get_data(as_text=True)
        assert "10.37" in thread and "10.42" in thread  # exact times, from the sealed payloads

        checked = 0
        with app.app_context():
            for table in db.metadatas[BIND].sorted_tables:
                for column in table.columns:
                    if not isinstance(getattr(column.type, "impl", column.type), DateTime):
                        continue
                    for value in db.session.scalars(select(column), bind_arguments={"bind": db.engines[BIND]}):
                        if value is not None:
                            assert (value.minute, value.second, value.microsecond) == (0, 0, 0), column
                            checked += 1
        assert checked >= 12
    finally:
        app.config["NOW"] = None


def test_migration_0002_cuts_existing_times_to_the_hour_and_ends_sessions(app):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from portal.siap.setup import MIGRATIONS

    fine = datetime(2026, 11, 30, 8, 41, 7, 123456, tzinfo=UTC)
    audit = sa.table(
        "siap_audit",
        sa.column("id"),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor"),
        sa.column("action"),
        sa.column("detail"),
    )
    session = sa.table(
        "siap_session",
        sa.column("id_hash"),
        sa.column("kind"),
        sa.column("sealed_secret"),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("last_seen", sa.DateTime(timezone=True)),
    )
    with app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="0001")
        engine = db.engines[BIND]
        with engine.begin() as conn:
            conn.execute(sa.insert(audit).values(id=1, at=fine, actor="sistem", action="uji", detail=""))
            conn.execute(
                sa.insert(session).values(
                    id_hash="a" * 64, kind="pelapor", sealed_secret=b"x", created_at=fine, last_seen=fine
                )
            )
        upgrade(directory=str(MIGRATIONS))
        with engine.connect() as conn:
            stored = conn.execute(sa.select(audit.c.at)).scalar_one()
            assert conn.execute(sa.select(func.count()).select_from(session)).scalar_one() == 0
    stored = stored if stored.tzinfo else stored.replace(tzinfo=UTC)  # SQLite gives it back naive
    assert stored == fine.replace(minute=0, second=0, microsecond=0)
