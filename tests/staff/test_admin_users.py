"""Accounts for administrators: list, create with a password shown once, reset one, deactivate."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from tests.conftest import outbox
from tests.staff.conftest import new_ticket, signed_in

URL = "/staf/admin/pengguna"


def account(app, email) -> User:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        db.session.expunge(user)
        return user


def test_only_administrators_get_the_page(app, people):
    for email in ("agen@kemenkeu.go.id", "ketua@kemenkeu.go.id", "kppn@kemenkeu.go.id"):
        client = signed_in(app, email)
        assert client.get(URL).status_code == 404, email
        assert client.post(URL, data={"akun-email": "x@kemenkeu.go.id"}).status_code == 404, email
        assert client.post(f"{URL}/status", data={"user_id": people["agen"], "active": "0"}).status_code == 404
        assert client.post(f"{URL}/sandi", data={"user_id": people["agen"]}).status_code == 404
        assert "/staf/admin/pengguna" not in client.get("/staf/").get_data(as_text=True)
    assert account(app, "agen@kemenkeu.go.id").active
    page = signed_in(app, "admin@kemenkeu.go.id").get(URL)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    rows = BeautifulSoup(page.get_data(as_text=True), "html.parser").select("tr[data-user]")
    assert {tr["data-user"] for tr in rows} == {
        "agen@kemenkeu.go.id",
        "ketua@kemenkeu.go.id",
        "setditjen@kemenkeu.go.id",
        "admin@kemenkeu.go.id",
        "kppn@kemenkeu.go.id",
    }


def test_create_shows_the_password_once_and_it_works(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    data = {
        "akun-email": "Baru@Kemenkeu.go.id",
        "akun-name": "Petugas Baru",
        "akun-role": "agen",
        "akun-units": ["PIP"],
    }
    response = admin.post(URL, data=data)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    password = soup.select_one("[data-password]").get_text()
    assert len(password) >= 12
    assert not soup.select_one("#akun-email").get("value")  # a blank form for the next account
    user = account(app, "baru@kemenkeu.go.id")
    assert (user.role, user.unit_names, user.active) == ("agen", ["PIP"], True)
    assert password not in user.password_hash
    assert password not in admin.get(URL).get_data(as_text=True)  # shown once only
    fresh = app.test_client()
    assert fresh.post("/staf/masuk", data={"email": "baru@kemenkeu.go.id", "password": password}).status_code == 303


def test_create_refuses_bad_accounts(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    duplicate = {"akun-email": "agen@kemenkeu.go.id", "akun-name": "X", "akun-role": "agen", "akun-units": ["PIP"]}
    page = admin.post(URL, data=duplicate)
    assert page.status_code == 422 and "sudah terdaftar" in page.get_data(as_text=True)
    no_unit = {"akun-email": "a2@kemenkeu.go.id", "akun-name": "X", "akun-role": "ketua"}
    assert admin.post(URL, data=no_unit).status_code == 422
    internal = {
        "akun-email": "kppn2@kemenkeu.go.id",
        "akun-name": "KPPN",
        "akun-role": "pengguna",
        "akun-user_type": "8",
    }
    assert admin.post(URL, data=internal).status_code == 200
    assert account(app, "kppn2@kemenkeu.go.id").user_type == 8
    with app.app_context():
        assert db.session.scalars(select(User).where(User.email == "a2@kemenkeu.go.id")).first() is None


def test_deactivate_signs_out_and_blocks_sign_in(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    admin = signed_in(app, "admin@kemenkeu.go.id")
    response = admin.post(f"{URL}/status", data={"user_id": people["agen"], "active": "0"})
    assert response.headers["Location"].endswith(URL)
    assert not account(app, "agen@kemenkeu.go.id").active
    assert "/staf/masuk" in agent.get("/staf/").headers["Location"]  # the open session ends
    again = app.test_client().post(
        "/staf/masuk", data={"email": "agen@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"}
    )
    assert again.status_code == 401
    admin.post(f"{URL}/status", data={"user_id": people["agen"], "active": "1"})
    assert account(app, "agen@kemenkeu.go.id").active


def test_administrators_cannot_lock_themselves_out(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    admin.post(f"{URL}/status", data={"user_id": people["admin"], "active": "0"})
    assert account(app, "admin@kemenkeu.go.id").active
    assert admin.post(f"{URL}/status", data={"user_id": "x", "active": "0"}).status_code == 400


def test_administrators_still_read_no_ticket_outside_their_units(app, people):
    reference = new_ticket(app)  # Direktorat SITP; the administrator belongs to Sekretariat DJPb
    admin = signed_in(app, "admin@kemenkeu.go.id")
    assert admin.get(f"/staf/tiket/{reference}").status_code == 404
    assert reference not in admin.get("/staf/?antrian=semua").get_data(as_text=True)
    assert "CRSM.01" not in admin.get("/staf/dasbor").get_data(as_text=True)


def test_reset_shows_a_new_password_once_and_ends_the_sessions(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    admin = signed_in(app, "admin@kemenkeu.go.id")
    before = account(app, "agen@kemenkeu.go.id").password_hash
    response = admin.post(f"{URL}/sandi", data={"user_id": people["agen"]})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("[data-password]").get_text()
    assert len(password) >= 12 and password not in admin.get(URL).get_data(as_text=True)  # shown once only
    assert account(app, "agen@kemenkeu.go.id").password_hash != before
    assert "/staf/masuk" in agent.get("/staf/").headers["Location"], "the agent's open session ends"
    for tried, status in [("kata-sandi-rahasia-1", 401), (password, 303)]:
        answer = app.test_client().post("/staf/masuk", data={"email": "agen@kemenkeu.go.id", "password": tried})
        assert answer.status_code == status
    [notice] = outbox(app)
    assert notice["To"] == "agen@kemenkeu.go.id" and "disetel ulang oleh administrator" in notice.get_content()
    assert password not in notice.as_string(), "the new password never travels by e-mail"


def test_administrators_reset_only_other_accounts(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    before = account(app, "admin@kemenkeu.go.id").password_hash
    response = admin.post(f"{URL}/sandi", data={"user_id": people["admin"]})
    assert response.headers["Location"].endswith(URL)
    assert "di halaman Kata sandi" in admin.get(URL).get_data(as_text=True)
    assert account(app, "admin@kemenkeu.go.id").password_hash == before
    assert admin.post(f"{URL}/sandi", data={"user_id": "999"}).headers["Location"].endswith(URL)
    assert admin.post(f"{URL}/sandi", data={"user_id": "x"}).status_code == 400
    assert outbox(app) == []
