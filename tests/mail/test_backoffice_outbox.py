"""Failing outgoing mail in the back office (#15 item 1): administrators see the error and send again."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.mail import delivery, service
from portal.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import add_staff
from tests.staff.conftest import new_ticket, signed_in
from tests.tickets.conftest import FRIDAY_3PM

URL = "/staf/admin/surat"


def mail_app(make_app, smtp_server, **extra):
    app = make_app(
        NOW=FRIDAY_3PM, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False, MAIL_MAX_ATTEMPTS=1,
        **extra,
    )
    add_staff(app, email="agen@kemenkeu.go.id", role="agen")
    add_staff(app, email="ketua@kemenkeu.go.id", role="ketua")
    add_staff(app, email="admin@kemenkeu.go.id", role="admin", units=("Sekretariat DJPb",))
    return app


def the_row(app) -> OutboxMessage:
    with app.app_context():
        return db.session.scalars(select(OutboxMessage)).one()


def test_administrators_see_failed_mail_with_its_error_and_send_it_again(make_app, smtp_server):
    app = mail_app(make_app, smtp_server)
    reference = new_ticket(app)  # the server is down: the confirmation fails for good (1 attempt allowed)
    row = the_row(app)
    assert row.status == OutboxStatus.FAILED
    admin = signed_in(app, "admin@kemenkeu.go.id")
    assert URL in admin.get("/staf/").get_data(as_text=True)  # linked for administrators
    page = BeautifulSoup(admin.get(URL).get_data(as_text=True), "html.parser")
    [line] = page.select("tr[data-message]")
    assert line.th.get_text() == "budi@satker.go.id" and reference in line.get_text()
    assert "ConnectionRefusedError" in line.get_text() and "Gagal" in line.get_text()

    smtp_server.start()
    response = admin.post(f"{URL}/kirim-ulang", data={"message_id": row.id})
    assert response.status_code == 303 and response.headers["Location"].endswith(URL)
    [message] = smtp_server.messages  # sent right after the click's commit
    assert message["Message-ID"] == row.message_id  # the same letter, not a new one
    assert the_row(app).status == OutboxStatus.SENT
    assert "Tidak ada surat yang bermasalah." in admin.get(URL).get_data(as_text=True)
    again = admin.post(f"{URL}/kirim-ulang", data={"message_id": row.id}, follow_redirects=True)
    assert "sudah terkirim" in again.get_data(as_text=True) and len(smtp_server.messages) == 1
    assert admin.post(f"{URL}/kirim-ulang", data={"message_id": "x"}).status_code == 400


def test_only_administrators_get_the_outbox(make_app, smtp_server):
    app = mail_app(make_app, smtp_server)
    new_ticket(app)
    row = the_row(app)
    for email in ("agen@kemenkeu.go.id", "ketua@kemenkeu.go.id"):
        client = signed_in(app, email)
        assert client.get(URL).status_code == 404
        assert client.post(f"{URL}/kirim-ulang", data={"message_id": row.id}).status_code == 404
        assert URL not in client.get("/staf/").get_data(as_text=True)
    assert the_row(app).status == OutboxStatus.FAILED


def test_kirim_ulang_needs_the_csrf_token(make_app, smtp_server):
    app = mail_app(make_app, smtp_server, WTF_CSRF_ENABLED=True)
    with app.test_request_context():  # a letter that failed for good (the server is down)
        context = {"name": "A", "email": "budi@satker.go.id", "when": "-", "by_administrator": False}
        service.enqueue(db.session(), to="budi@satker.go.id", subject="Uji", template="password_changed",
                        context=context)
        db.session.commit()
        delivery.send_due(db.session())
    row = the_row(app)
    assert row.status == OutboxStatus.FAILED
    admin = app.test_client()
    page = BeautifulSoup(admin.get("/staf/masuk").get_data(as_text=True), "html.parser")
    token = page.select_one("input[name=csrf_token]")["value"]
    login = {"email": "admin@kemenkeu.go.id", "password": "kata-sandi-rahasia-1", "csrf_token": token}
    assert admin.post("/staf/masuk", data=login).status_code == 303
    smtp_server.start()
    assert admin.post(f"{URL}/kirim-ulang", data={"message_id": row.id}).status_code == 400
    assert the_row(app).status == OutboxStatus.FAILED and smtp_server.messages == []
    form = BeautifulSoup(admin.get(URL).get_data(as_text=True), "html.parser").select_one("tr[data-message] form")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert admin.post(f"{URL}/kirim-ulang", data=data).status_code == 303
    assert the_row(app).status == OutboxStatus.SENT and len(smtp_server.messages) == 1
