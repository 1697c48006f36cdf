"""The Secretariat's workspace: who may enter, unlocking, members, status, audit, inbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core import clock
from portal.extensions import db
from portal.siap.models import KeySession, MemberKey, SiapAuditEvent, UnitKeyGrant
from tests.siap.conftest import UNIT, only_ref, sentinel

PASSWORD = "kata-sandi-rahasia-1"


def staff_routes(app, ref="ABCDEF0123", file_ref="00", user_id=1):
    """Every /siap/sekretariat URL with each method it accepts."""
    values = {"ref": ref, "file_ref": file_ref, "user_id": user_id, "action": "beri"}
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/siap/sekretariat"):
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<{name}>", str(values[name])).replace(f"<int:{name}>", str(values[name]))
            routes += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


@pytest.fixture
def outsiders(app, make_user, member):
    """Accounts that must never see the workspace, by name."""
    del member
    return {
        "agen": make_user(email="agen@kemenkeu.go.id", role="agen", units=("Direktorat SITP",)),
        "ketua": make_user(email="ketua@kemenkeu.go.id", role="ketua", units=("Direktorat SITP",)),
        "admin": make_user(email="admin@kemenkeu.go.id", role="admin", units=(UNIT,)),
        "pengguna": make_user(email="kppn@kemenkeu.go.id", role="pengguna", units=(), user_type=8),
        "sekretariat-tanpa-akses": make_user(email="baru@kemenkeu.go.id", role="agen", units=(UNIT,)),
    }


def test_everyone_but_members_gets_404_everywhere(app, outsiders, login, file_complaint, member_client):
    file_complaint()
    ref = only_ref(member_client)
    routes = staff_routes(app, ref=ref)
    assert len(routes) >= 12
    emails = {name: f"{name}@x" for name in outsiders}
    emails.update({"agen": "agen@kemenkeu.go.id", "ketua": "ketua@kemenkeu.go.id", "admin": "admin@kemenkeu.go.id",
                   "pengguna": "kppn@kemenkeu.go.id", "sekretariat-tanpa-akses": "baru@kemenkeu.go.id"})
    for who in [None, *outsiders]:
        client = app.test_client()
        if who:
            assert login(emails[who], PASSWORD, c=client).status_code == 303
        for method, url in routes:
            response = getattr(client, method.lower())(url, data={"password": PASSWORD, "status": "ditolak"})
            assert response.status_code == 404, (who, method, url, response.status_code)
    with app.app_context():
        ids = set(outsiders.values())
        assert not db.session.scalars(select(UnitKeyGrant).where(UnitKeyGrant.user_id.in_(ids))).all()
        assert not db.session.scalars(select(MemberKey).where(MemberKey.user_id.in_(ids))).all()
        assert not db.session.scalars(select(KeySession).where(KeySession.user_id.in_(ids))).all()


def test_locked_member_is_sent_to_unlock_and_wrong_password_fails(app, member, login):
    client = app.test_client()
    login(member.email, member.password, c=client)
    assert client.get("/siap/sekretariat").headers["Location"].endswith("/siap/sekretariat/buka")
    assert client.get("/siap/sekretariat/buka").status_code == 200
    assert client.post("/siap/sekretariat/buka", data={"password": "bukan-kata-sandinya"}).status_code == 401
    assert client.get("/siap/sekretariat").headers["Location"].endswith("/buka")
    with app.app_context():
        assert db.session.scalars(select(KeySession)).all() == []


def test_unlocked_key_never_rests_in_clear(app, member_client):
    cookie = member_client.get_cookie("siap_anggota", path="/siap/sekretariat")
    assert cookie.http_only and cookie.same_site == "Strict"
    with app.app_context():
        rows = db.session.scalars(select(KeySession)).all()
        grant = db.session.get(UnitKeyGrant, rows[0].user_id)
        assert len(rows) == 1 and rows[0].sealed_secret not in (grant.sealed_unit_key,)
        assert cookie.value not in rows[0].id_hash  # only the hash of the id is stored


def test_lock_sign_out_and_idle_timeout_end_the_unlocked_session(app, member, member_client, login):
    member_client.post("/siap/sekretariat/kunci")
    assert member_client.get("/siap/sekretariat").headers["Location"].endswith("/buka")
    member_client.post("/siap/sekretariat/buka", data={"password": member.password})
    member_client.post("/staf/keluar")
    with app.app_context():
        assert db.session.scalars(select(KeySession)).all() == []
    login(member.email, member.password, c=member_client)
    member_client.post("/siap/sekretariat/buka", data={"password": member.password})
    assert member_client.get("/siap/sekretariat").status_code == 200
    # The unlocked key ends after SIAP_IDLE_MINUTES unused, while the staff sign-in (30 minutes
    # idle) still holds: the member is sent back to unlock, not to sign in.
    app.config["SIAP_IDLE_MINUTES"] = 10
    with app.app_context():
        app.config["NOW"] = clock.now() + timedelta(minutes=11)
    try:
        assert member_client.get("/siap/sekretariat").headers["Location"].endswith("/buka")
    finally:
        app.config["NOW"] = None


def test_member_works_a_complaint_and_everything_is_audited(app, member, member_client, file_complaint):
    marker = sentinel()
    reporter, _ = file_complaint(marker)
    ref = only_ref(member_client)
    page = member_client.get(f"/siap/sekretariat/pengaduan/{ref}")
    assert marker in page.get_data(as_text=True) and "Pelapor memilih tetap anonim" in page.get_data(as_text=True)
    assert member_client.post(f"/siap/sekretariat/pengaduan/{ref}/balas", data={"pesan": f"balas {marker}"}
                              ).headers["Location"].endswith("ok=balasan")
    member_client.post(f"/siap/sekretariat/pengaduan/{ref}/catatan", data={"catatan": f"catat {marker}"})
    bad = member_client.post(f"/siap/sekretariat/pengaduan/{ref}/status", data={"status": "selesai"})
    assert bad.status_code == 400
    member_client.post(f"/siap/sekretariat/pengaduan/{ref}/status", data={"status": "diverifikasi"})
    member_client.post(f"/siap/sekretariat/pengaduan/{ref}/teruskan")
    seen = reporter.get("/siap/laporan").get_data(as_text=True)
    assert f"balas {marker}" in seen and f"catat {marker}" not in seen
    assert "Inspektorat Jenderal Kemenkeu" in seen
    with app.app_context():
        from portal.siap.service import by_ref

        assert by_ref(db.session, ref).forwarded_to == app.extensions["catalog"].linked_units_for("WBSM.01")[0].name
        events = db.session.scalars(select(SiapAuditEvent).where(SiapAuditEvent.complaint_ref == ref)).all()
    actions = [e.action for e in events]
    for action in ("laporan_baru", "buka_pengaduan", "balasan", "catatan", "status", "diteruskan"):
        assert action in actions, actions
    assert all(e.actor_user_id == member.id for e in events if e.actor == "anggota")
    for e in events:
        assert marker not in f"{e.action}{e.detail}{e.actor}"
    assert "diverifikasi" in member_client.get("/siap/sekretariat/audit").get_data(as_text=True)


def test_grant_enrol_complete_and_revoke(app, member, member_client, make_user, login, file_complaint):
    file_complaint("untuk anggota baru")
    newcomer = make_user(email="baru@kemenkeu.go.id", role="ketua", units=(UNIT,), password=PASSWORD)
    fresh = app.test_client()
    login("baru@kemenkeu.go.id", PASSWORD, c=fresh)
    assert fresh.get("/siap/sekretariat/buka").status_code == 404  # no grant yet
    member_client.post(f"/siap/sekretariat/anggota/{newcomer}/beri")
    assert fresh.get("/siap/sekretariat").headers["Location"].endswith("/buka")
    enrol = fresh.post("/siap/sekretariat/buka", data={"password": PASSWORD})
    assert enrol.status_code == 200 and "Sidik jari kunci Anda" in enrol.get_data(as_text=True)
    with app.app_context():
        from portal.siap.members import own_fingerprint

        fingerprint = own_fingerprint(db.session, newcomer)
    assert fingerprint in member_client.get("/siap/sekretariat/anggota").get_data(as_text=True)
    assert fresh.get("/siap/sekretariat").headers["Location"].endswith("/buka")  # still waiting
    member_client.post(f"/siap/sekretariat/anggota/{newcomer}/selesaikan")
    assert fresh.post("/siap/sekretariat/buka", data={"password": PASSWORD}).status_code == 303
    assert "untuk anggota baru" in fresh.get("/siap/sekretariat").get_data(as_text=True)
    member_client.post(f"/siap/sekretariat/anggota/{newcomer}/cabut")
    assert fresh.get("/siap/sekretariat").status_code == 404
    with app.app_context():
        assert db.session.get(UnitKeyGrant, newcomer) is None
        assert not db.session.scalars(select(KeySession).where(KeySession.user_id == newcomer)).all()
        actions = [e.action for e in db.session.scalars(select(SiapAuditEvent))]
    assert {"beri_akses", "akses_aktif", "cabut_akses"} <= set(actions)


def test_the_last_active_grant_cannot_be_revoked(member, member_client):
    response = member_client.post(f"/siap/sekretariat/anggota/{member.id}/cabut")
    assert response.status_code == 400 and "Akses terakhir" in response.get_data(as_text=True)


def test_admin_cannot_be_granted_from_the_workspace(member_client, outsiders):
    response = member_client.post(f"/siap/sekretariat/anggota/{outsiders['admin']}/beri")
    assert response.status_code == 400 and "administrator" in response.get_data(as_text=True)


def test_inbox_shows_age_against_the_32_working_hour_norm(app, member_client, file_complaint):
    file_complaint("lama sekali")
    ref = only_ref(member_client)
    with app.app_context():
        from portal.siap.service import by_ref

        complaint = by_ref(db.session, ref)
        complaint.created_at = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 08.00 WIB
        db.session.commit()
    app.config["NOW"] = datetime(2026, 11, 9, 1, 0, tzinfo=UTC)  # one week later: 5 × 8 = 40 working hours
    try:
        page = member_client.get("/siap/sekretariat").get_data(as_text=True)
        detail = member_client.get(f"/siap/sekretariat/pengaduan/{ref}").get_data(as_text=True)
    finally:
        app.config["NOW"] = None
    # Indonesian decimals: a comma, never the point.
    assert "40,0 / 32" in page and "melewati norma waktu" in page
    assert "Umur: 40,0 dari 32 jam kerja." in detail


def test_reporter_sees_status_but_cannot_change_it(app, member, member_client, file_complaint):
    client, _ = file_complaint()
    ref = only_ref(member_client)
    member_client.post(f"/siap/sekretariat/pengaduan/{ref}/catatan", data={"catatan": "hanya internal"})
    member_client.post(f"/siap/sekretariat/pengaduan/{ref}/status", data={"status": "diverifikasi"})
    page = client.get("/siap/laporan").get_data(as_text=True)
    assert "Diverifikasi" in page and "hanya internal" not in page
    attempt = client.post(f"/siap/sekretariat/pengaduan/{ref}/status", data={"status": "ditolak"})
    assert attempt.status_code == 404
    assert "Diverifikasi" in client.get("/siap/laporan").get_data(as_text=True)
