"""Accounts: creation rules, sign-in and its throttle, idle timeout, sign-out.

More in test_staff_sessions.py (server-side sessions) and test_login_throttle.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.auth import service
from portal.extensions import db
from tests.conftest import add_staff


def test_create_user_rules(app, make_user):
    make_user()
    known = service.owner_units(app.extensions["catalog"])
    assert known == [
        "Sekretariat DJPb",
        "Direktorat Teknis DJPb",
        "Direktorat terkait",
        "BPDPKS",
        "BPDLH",
        "PIP",
        "Direktorat SITP",
    ]
    cases = [
        (dict(email="bukan-email"), "e-mail tidak valid"),
        (dict(role="raja"), "Peran 'raja' tidak dikenal"),
        (dict(units=["Unit Khayalan"]), "Unit tidak dikenal"),
        (dict(units=[]), "sekurang-kurangnya satu unit"),
        (dict(role="pengguna", units=[], user_type=1), "jenis pengguna 2, 3, 8, atau 9"),
        (dict(password="pendek"), "minimal 12"),
        (dict(email="AGEN@Kemenkeu.go.id"), "sudah terdaftar"),
    ]
    base = dict(
        email="baru@kemenkeu.go.id",
        name="B",
        role="agen",
        password="kata-sandi-rahasia-2",
        units=["Direktorat SITP"],
        known_units=known,
        ph=service.hasher(1024),
    )
    with app.app_context():
        for change, message in cases:
            with pytest.raises(service.AuthError, match=message):
                service.create_user(db.session, **{**base, **change})


def test_password_is_hashed_with_argon2id(app, make_user):
    from portal.auth.models import User

    user_id = make_user()
    with app.app_context():
        stored = db.session.get(User, user_id).password_hash
    assert stored.startswith("$argon2id$") and "kata-sandi" not in stored


def test_sign_in_and_out(client, make_user, login):
    make_user()
    response = login()
    assert response.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "Keluar (Petugas Uji)" in page
    response = client.post("/staf/keluar")
    assert response.status_code == 303
    assert "Masuk</a>" in client.get("/").get_data(as_text=True)


def test_wrong_and_unknown_answer_alike(client, make_user, login):
    make_user()
    wrong = login(password="salah-salah-salah")
    unknown = login(email="tidakada@kemenkeu.go.id")
    assert wrong.status_code == unknown.status_code == 401
    assert "Alamat e-mail atau kata sandi salah." in wrong.get_data(as_text=True)
    assert "Alamat e-mail atau kata sandi salah." in unknown.get_data(as_text=True)


def test_next_only_to_this_site(client, make_user):
    make_user()
    data = {"email": "agen@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"}
    good = client.post("/staf/masuk", data={**data, "next": "/layanan/ITSM.01"})
    assert good.headers["Location"] == "/layanan/ITSM.01"
    client.post("/staf/keluar")
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post("/staf/masuk", data={**data, "next": bad})
        assert "evil" not in response.headers["Location"] and "javascript" not in response.headers["Location"]
        client.post("/staf/keluar")


def test_deactivated_account_cannot_sign_in(app, client, make_user, login):
    from portal.auth.models import User

    user_id = make_user()
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert login().status_code == 401


def test_sign_in_is_throttled_per_account(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True)
    add_staff(app, name="A")
    statuses = []
    for i in range(7):
        # Different client addresses: a per-address limit alone would not stop this.
        client = app.test_client()
        response = client.post(
            "/staf/masuk",
            data={"email": "agen@kemenkeu.go.id", "password": "salah-salah"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
    # Even the right password waits until the window passes.
    right = app.test_client().post(
        "/staf/masuk", data={"email": "agen@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"}
    )
    assert right.status_code == 429


def test_idle_timeout_signs_out(app, client, make_user, login):
    make_user()
    app.config["NOW"] = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    login()
    app.config["NOW"] += timedelta(minutes=31)
    page = client.get("/").get_data(as_text=True)
    assert "Sesi Anda berakhir" in page
    assert "Masuk</a>" in page


def test_login_form_needs_csrf(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/staf/masuk", data={"email": "a@kemenkeu.go.id", "password": "x"})
    assert response.status_code == 400


def test_users_create_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "lead@kemenkeu.go.id",
            "--name",
            "Ketua",
            "--role",
            "ketua",
            "--unit",
            "Sekretariat DJPb",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Kata sandi (hanya ditampilkan sekali):" in result.output
    bad = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@kemenkeu.go.id",
            "--name",
            "X",
            "--role",
            "agen",
            "--unit",
            "Unit Khayalan",
        ]
    )
    assert bad.exit_code == 1 and "Unit tidak dikenal" in bad.output
