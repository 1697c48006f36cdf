"""Changing one's own password: confirmation, rules, other sessions signed out, notice, throttle."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from portal.auth import service
from portal.auth.models import User
from portal.extensions import db
from tests.conftest import outbox

URL = "/staf/kata-sandi"
OLD = "kata-sandi-rahasia-1"
NEW = "kalimat panjang yang baru 2026"


def change(client, current=OLD, new=NEW, confirm=None):
    """Post the password form."""
    return client.post(URL, data={"current": current, "new": new, "confirm": new if confirm is None else confirm})


def stored_hash(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def signed_in(client) -> bool:
    return "Keluar (" in client.get("/").get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 303 and "/staf/masuk?next=/staf/kata-sandi" in response.headers["Location"]
    assert client.post(URL, data={"current": OLD, "new": NEW, "confirm": NEW}).status_code == 303


def test_form_is_labelled_and_never_cached(client, make_user, login):
    make_user()
    login()
    response = client.get(URL)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    soup = BeautifulSoup(response.data, "html.parser")
    fields = {i["name"]: i for i in soup.select("form input[type=password]")}
    assert set(fields) == {"current", "new", "confirm"}
    assert [fields[n]["autocomplete"] for n in ("current", "new", "confirm")] == [
        "current-password", "new-password", "new-password"
    ]
    assert all(soup.select_one(f"label[for={i['id']}]") for i in fields.values())
    assert soup.select_one(f"a[href='{URL}']"), "the header links to the page for a signed-in account"


def test_change_signs_out_other_sessions_and_sends_notice(app, make_user, login):
    user_id = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(c=here)
    login(c=elsewhere)
    before = stored_hash(app, user_id)

    response = change(here)
    assert response.status_code == 303 and response.headers["Location"] == "/staf/"
    assert stored_hash(app, user_id) != before
    assert "Kata sandi telah diubah" in here.get("/staf/").get_data(as_text=True)
    assert signed_in(here), "the browser that changed it stays signed in"
    assert not signed_in(elsewhere), "a session signed in with the old password must end"

    assert login(password=OLD, c=app.test_client()).status_code == 401
    assert login(password=NEW, c=app.test_client()).status_code == 303
    [notice] = outbox(app)
    assert notice["To"] == "agen@kemenkeu.go.id"
    assert notice["Subject"] == "Kata sandi akun HAI-DJPb Anda telah diubah"
    body = notice.get_content()
    assert "pukul" in body and "WIB" in body and NEW not in body and OLD not in body


@pytest.mark.parametrize(
    ("current", "new", "confirm", "status", "message"),
    [
        ("salah-salah-salah", NEW, None, 401, "Kata sandi saat ini salah."),
        (OLD, "pendek", None, 400, "Kata sandi minimal 12 karakter."),
        (OLD, NEW, NEW + "x", 400, "Kedua isian kata sandi baru berbeda."),
        (OLD, OLD, None, 400, "harus berbeda dari kata sandi saat ini"),
        ("", "", "", 400, "Isi kata sandi saat ini."),
    ],
)
def test_refusals_change_nothing(app, client, make_user, login, current, new, confirm, status, message):
    user_id = make_user()
    login()
    before = stored_hash(app, user_id)
    response = change(client, current, new, confirm)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert message in page and 'role="alert"' in page and 'aria-invalid="true"' in page
    assert stored_hash(app, user_id) == before
    assert signed_in(client) and outbox(app) == []


def account(app) -> int:
    """Create the test account in an app built with other settings than the ``app`` fixture's."""
    with app.app_context():
        return service.create_user(
            db.session, email="agen@kemenkeu.go.id", name="A", role="agen", password=OLD,
            units=["Direktorat SITP"], known_units=["Direktorat SITP"], ph=service.hasher(1024),
        ).id


def test_guessing_the_current_password_is_throttled(make_app, login):
    app = make_app(RATELIMIT_ENABLED=True)
    user_id = account(app)
    client = app.test_client()
    assert login(c=client).status_code == 303
    statuses = [change(client, current=f"tebakan-ke-{i}-salah").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
    assert change(client).status_code == 429, "even the right password waits until the window passes"
    assert login(c=app.test_client()).status_code == 303, "the password is unchanged"
    assert stored_hash(app, user_id).startswith("$argon2id$")


def test_form_needs_csrf(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    account(app)
    client = app.test_client()
    page = client.get("/staf/masuk").get_data(as_text=True)
    token = BeautifulSoup(page, "html.parser").select_one("input[name=csrf_token]")["value"]
    client.post("/staf/masuk", data={"email": "agen@kemenkeu.go.id", "password": OLD, "csrf_token": token})
    assert change(client).status_code == 400
    with app.app_context():
        assert service.authenticate(db.session, "agen@kemenkeu.go.id", OLD, service.hasher(1024)) is not None


def test_a_receiver_that_fails_leaves_the_password(app, make_user):
    user_id = make_user()

    def refuse(sender, **extra):
        raise RuntimeError("re-keying failed")

    service.password_changed.connect(refuse, sender=app)
    try:
        with app.app_context(), pytest.raises(RuntimeError):
            user = db.session.get(User, user_id)
            service.change_password(app, db.session, user, OLD, NEW, service.hasher(1024))
    finally:
        service.password_changed.disconnect(refuse, sender=app)
    with app.app_context():
        assert service.authenticate(db.session, "agen@kemenkeu.go.id", OLD, service.hasher(1024)) is not None


def test_a_session_from_before_the_session_mark_does_not_load(client, make_user, login):
    user_id = make_user()
    login()
    with client.session_transaction() as sess:
        assert sess["_user_id"].startswith(f"{user_id}:")
        sess["_user_id"] = str(user_id)  # the id alone, as stored before marks existed
    assert not signed_in(client)
