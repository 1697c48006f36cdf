"""Sending through a real SMTP server (aiosmtpd on loopback): down loses nothing, back sends once (#15)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.mail import delivery, service
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.tickets.models import Ticket
from tests.tickets.conftest import FRIDAY_3PM, VALID

FORM = "/permintaan/BCSM.02.01/pembuatan-tiket"


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def send(app, at) -> str:
    """``flask mail send`` with the application clock at ``at``; its output."""
    app.config["NOW"] = at
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_server_that_is_down_loses_no_mail_and_sends_it_once_back(make_app, smtp_server):
    app = make_app(NOW=FRIDAY_3PM, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False)
    # The server is down: the request still files its ticket and answers normally.
    response = app.test_client().post(FORM, data=VALID)
    assert response.status_code == 303 and "/status/" in response.headers["Location"]
    with app.app_context():
        reference = db.session.scalars(select(Ticket.reference)).one()
    [row] = rows(app)  # the confirmation, committed with the ticket; tried once right after the request
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error and row.next_attempt_at == FRIDAY_3PM + timedelta(minutes=1)

    assert "terkirim 0" in send(app, FRIDAY_3PM + timedelta(seconds=30))  # not due yet: no attempt
    assert rows(app)[0].attempts == 1
    assert "dicoba lagi nanti 1" in send(app, FRIDAY_3PM + timedelta(minutes=1))  # due, still down
    [row] = rows(app)
    assert row.attempts == 2 and row.next_attempt_at == FRIDAY_3PM + timedelta(minutes=3)  # backoff doubles
    assert smtp_server.messages == []

    smtp_server.start()  # the server is back, on the same address
    assert "terkirim 1" in send(app, FRIDAY_3PM + timedelta(minutes=3))
    assert "terkirim 0" in send(app, FRIDAY_3PM + timedelta(hours=1))  # and never again
    [message] = smtp_server.messages
    [row] = rows(app)
    assert row.status == OutboxStatus.SENT and row.attempts == 3 and row.last_error == ""
    assert smtp_server.sink.envelopes == [("hai.djpb@kemenkeu.go.id", ["budi@satker.go.id"])]
    assert message["To"] == "budi@satker.go.id" and message["Subject"].startswith(f"[{reference}] ")
    assert message["Message-ID"] == row.message_id and message["Message-ID"].endswith("@kemenkeu.go.id>")
    assert message["Reply-To"] == "hai.djpb@kemenkeu.go.id" and message["Auto-Submitted"] == "auto-replied"
    assert message["From"] == "HAI-DJPb <hai.djpb@kemenkeu.go.id>"
    assert f"Nomor tiket: {reference}" in message.get_content()


def test_a_letter_is_sent_right_after_the_request_when_the_server_is_up(make_app, smtp_server):
    smtp_server.start()
    app = make_app(NOW=FRIDAY_3PM, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False)
    assert app.test_client().post(FORM, data=VALID).status_code == 303
    [message] = smtp_server.messages
    assert rows(app)[0].status == OutboxStatus.SENT and "Nomor tiket: HAI-" in message.get_content()


def test_without_delivery_after_the_request_the_letter_waits_for_the_cron_job(make_app, smtp_server):
    smtp_server.start()
    app = make_app(
        NOW=FRIDAY_3PM, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False,
        MAIL_SEND_AFTER_REQUEST=False,
    )
    assert app.test_client().post(FORM, data=VALID).status_code == 303
    assert smtp_server.messages == [] and rows(app)[0].attempts == 0
    assert "terkirim 1" in send(app, FRIDAY_3PM)
    assert len(smtp_server.messages) == 1


def test_a_message_that_keeps_failing_becomes_gagal_with_its_error(make_app, smtp_server):
    app = make_app(
        NOW=FRIDAY_3PM, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False,
        MAIL_MAX_ATTEMPTS=3, MAIL_SEND_AFTER_REQUEST=False,
    )
    with app.test_request_context():
        service.enqueue(db.session(), to="a@b.example", subject="Uji", template="password_changed",
                        context={"name": "A", "email": "a@b.example", "when": "-", "by_administrator": False})
        db.session.commit()
    at = FRIDAY_3PM
    for wait in (0, 60, 120):
        at += timedelta(seconds=wait)
        send(app, at)
    [row] = rows(app)
    assert row.status == OutboxStatus.FAILED and row.attempts == 3 and "ConnectionRefusedError" in row.last_error
    smtp_server.start()
    assert "terkirim 0" in send(app, at + timedelta(days=1))  # given up: only an administrator sends it again
    with app.app_context():
        assert [r.id for r in service.troubled(db.session())] == [row.id]


def test_two_runs_at_once_send_each_message_exactly_once(make_app, smtp_server):
    smtp_server.start()
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False)
    with app.test_request_context():
        for i in range(40):
            service.enqueue(db.session(), to=f"p{i}@b.example", subject=f"Uji {i}", template="password_changed",
                            context={"name": "A", "email": "a@b.example", "when": "-", "by_administrator": False})
        db.session.commit()
    start = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            with app.app_context():
                start.wait()
                reports.append(delivery.send_due(db.session(), limit=5))
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    received = [m["Message-ID"] for m in smtp_server.messages]
    assert len(received) == len(set(received)) == 40
    assert sum(r.sent for r in reports) == 40
    assert {r.status for r in rows(app)} == {OutboxStatus.SENT}


def test_a_lease_keeps_other_runs_off_until_it_expires(make_app):
    app = make_app(NOW=FRIDAY_3PM)
    with app.test_request_context():
        service.enqueue(db.session(), to="a@b.example", subject="Uji", template="password_changed",
                        context={"name": "A", "email": "a@b.example", "when": "-", "by_administrator": False})
        db.session.commit()
        [mine] = delivery.claim(db.session(), "run-a", FRIDAY_3PM)
        assert delivery.claim(db.session(), "run-b", FRIDAY_3PM + timedelta(minutes=5)) == []
        assert service.resend(db.session(), mine.id) is None  # being sent: a click cannot free it
        # A run that died keeps its lease only until it expires; then another run sends it.
        later = FRIDAY_3PM + timedelta(seconds=app.config["MAIL_CLAIM_SECONDS"] + 1)
        assert [r.id for r in delivery.claim(db.session(), "run-b", later)] == [mine.id]
