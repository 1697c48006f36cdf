"""Server-side sessions: logout, password changes and deactivation end them; idle and absolute limits."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from flask_login.utils import encode_cookie
from sqlalchemy import func, select

from portal.auth.models import StaffSession, User
from portal.auth.sessions import COOKIE_KEY
from portal.extensions import db
from tests.conftest import add_staff

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def opens_queue(client) -> bool:
    """Tell whether the client gets the staff queue (not the sign-in redirect)."""
    response = client.get("/staf/")
    assert response.status_code in (200, 303), response.status_code
    return response.status_code == 200


def copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def rows(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StaffSession).where(StaffSession.user_id == user_id))


def admin_client(app, make_user, login):
    make_user(email="admin@kemenkeu.go.id", role="admin", name="Admin Uji")
    admin = app.test_client()
    assert login(email="admin@kemenkeu.go.id", c=admin).status_code == 303
    return admin


def test_a_cookie_copied_before_logout_no_longer_opens_the_queue(app, client, make_user, login):
    user_id = make_user()
    login()
    thief = copy_of(app, client)
    assert opens_queue(thief), "the copy works while the session lives"
    client.post("/staf/keluar")
    assert not opens_queue(thief)
    assert not opens_queue(client)
    assert rows(app, user_id) == 0


def test_logout_ends_every_session_of_the_account(app, make_user, login):
    user_id = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(c=here)
    login(c=elsewhere)
    assert rows(app, user_id) == 2
    here.post("/staf/keluar")
    assert not opens_queue(elsewhere)


def test_the_cookie_holds_a_token_and_the_database_only_its_hash(app, client, make_user, login):
    user_id = make_user()
    login()
    with client.session_transaction() as sess:
        token = sess[COOKIE_KEY]
    with app.app_context():
        [row] = db.session.scalars(select(StaffSession).where(StaffSession.user_id == user_id))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    with client.session_transaction() as sess:
        sess[COOKIE_KEY] = token[:-2] + "xx"  # a guessed token is no session
    assert not opens_queue(client)


def test_a_remember_me_cookie_cannot_bring_an_ended_session_back(app, client, make_user, login):
    make_user()
    login()
    thief = copy_of(app, client)
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        remember = encode_cookie(user.get_id())
    client.post("/staf/keluar")
    for browser in (thief, app.test_client()):
        browser.set_cookie("remember_token", remember)
        assert not opens_queue(browser)


def test_own_password_change_ends_the_others_and_keeps_a_fresh_one(app, client, make_user, login):
    user_id = make_user()
    login()
    elsewhere = app.test_client()
    login(c=elsewhere)
    before = copy_of(app, client)
    new = "kalimat panjang yang baru 2026"
    response = client.post("/staf/kata-sandi", data={"current": "kata-sandi-rahasia-1", "new": new, "confirm": new})
    assert response.status_code == 303
    assert opens_queue(client)
    assert not opens_queue(elsewhere) and not opens_queue(before)
    assert rows(app, user_id) == 1


def test_an_administrators_reset_ends_every_session(app, client, make_user, login):
    user_id = make_user()
    login()
    admin = admin_client(app, make_user, login)
    response = admin.post("/staf/admin/pengguna/sandi", data={"user_id": str(user_id)})
    assert response.status_code == 200
    assert rows(app, user_id) == 0
    assert not opens_queue(client)
    assert opens_queue(admin)


def test_deactivation_ends_sessions_for_good(app, client, make_user, login):
    user_id = make_user()
    login()
    thief = copy_of(app, client)
    admin = admin_client(app, make_user, login)
    for active in ("0", "1"):  # deactivated, then activated again: the old cookie stays dead
        response = admin.post("/staf/admin/pengguna/status", data={"user_id": str(user_id), "active": active})
        assert response.status_code == 303
    assert rows(app, user_id) == 0
    assert not opens_queue(client) and not opens_queue(thief)
    assert login(c=app.test_client()).status_code == 303, "the account itself works again"


def test_idle_timeout_uses_the_app_clock_and_activity_keeps_the_session(app, client, make_user, login):
    make_user()
    app.config["NOW"] = START
    login()
    for minutes in (29, 58, 87):  # a request every 29 minutes keeps it alive
        app.config["NOW"] = START + timedelta(minutes=minutes)
        assert opens_queue(client)
    thief = copy_of(app, client)
    app.config["NOW"] = START + timedelta(minutes=87 + 31)
    response = client.get("/staf/", follow_redirects=True)
    assert "Sesi Anda berakhir karena tidak aktif" in response.get_data(as_text=True)
    app.config["NOW"] = START + timedelta(minutes=88)  # the clock going back does not revive it
    assert not opens_queue(thief)


def test_absolute_lifetime_ends_a_busy_session(app, client, make_user, login):
    assert (app.config["IDLE_TIMEOUT_MINUTES"], app.config["SESSION_MAX_HOURS"]) == (30, 12)
    make_user()
    app.config["NOW"] = START
    login()
    moment = START
    while moment < START + timedelta(hours=12) - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        app.config["NOW"] = moment
        assert opens_queue(client), moment
    app.config["NOW"] = START + timedelta(hours=12, minutes=1)
    response = client.get("/staf/", follow_redirects=True)
    assert "Sesi Anda telah mencapai batas waktu" in response.get_data(as_text=True)
    assert not opens_queue(client)


def test_limits_are_settings(make_app, make_user):
    app = make_app(IDLE_TIMEOUT_MINUTES=5, SESSION_MAX_HOURS=1)
    add_staff(app, name="A")
    client = app.test_client()
    app.config["NOW"] = START
    client.post("/staf/masuk", data={"email": "agen@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"})
    app.config["NOW"] = START + timedelta(minutes=4)
    assert opens_queue(client)
    app.config["NOW"] = START + timedelta(minutes=10)
    assert not opens_queue(client)
    client.post("/staf/masuk", data={"email": "agen@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"})
    for minutes in (14, 18, 22, 26, 30, 34, 38, 42, 46, 50, 54, 58, 62, 66, 69, 71):
        app.config["NOW"] = START + timedelta(minutes=minutes)
        assert opens_queue(client) is (minutes < 71), minutes
