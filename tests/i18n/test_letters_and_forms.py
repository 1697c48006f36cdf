"""Letters go out in the language the requester filed in; WTForms answers in the page's language."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.tickets.language import TicketLanguage
from tests.conftest import add_staff
from tests.staff.conftest import FRIDAY_3PM, new_ticket, signed_in

ENGLISH = {"Accept-Language": "en"}


def letters(app, reference: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.ticket_reference == reference).order_by(OutboxMessage.id)
        ))
        db.session.expunge_all()
        return rows


def english_client(app):
    client = app.test_client()
    client.get("/bahasa/en?next=/")
    return client


def test_a_requester_filing_in_english_gets_english_letters_even_from_indonesian_staff(make_app):
    app = make_app(NOW=FRIDAY_3PM)
    add_staff(app, email="agen@kemenkeu.go.id", role="agen", units=("Direktorat SITP",))
    reference = new_ticket(app, client=english_client(app))
    [confirmation] = letters(app, reference)
    assert confirmation.subject == f"[{reference}] Your request has been received"
    assert "Dear Budi," in confirmation.body and "Received: Friday, 27 November 2026 at 15:00 WIB" in confirmation.body
    assert "Layanan Konsultasi" not in confirmation.subject
    agent = signed_in(app, "agen@kemenkeu.go.id")  # the back office in Indonesian
    page = agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "balasan", "re-body": "Akun sudah dibuka."})
    assert page.status_code in (200, 303)
    reply = letters(app, reference)[-1]
    assert reply.template == "staff_reply"
    assert reply.subject == f"[{reference}] Reply from HAI-DJPb" and "Akun sudah dibuka." in reply.body
    assert "HAI-DJPb staff replied to ticket" in reply.body
    with app.app_context():
        assert db.session.scalars(select(TicketLanguage.language)).all() == ["en"]
        # The unit's notification of the new ticket stays in the desk's language.
        from portal.notifications.models import Notification

        texts = db.session.scalars(select(Notification.text)).all()
        assert texts and all(t.startswith("Tiket baru") for t in texts)


def test_a_requester_filing_in_indonesian_gets_indonesian_letters_from_english_staff(make_app):
    app = make_app(NOW=FRIDAY_3PM)
    add_staff(app, email="agen@kemenkeu.go.id", role="agen", units=("Direktorat SITP",))
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.get("/bahasa/en?next=/")  # the staff member reads English
    agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "balasan", "re-body": "Sudah."})
    first, reply = letters(app, reference)
    assert first.subject.endswith("Permintaan Anda telah diterima")
    assert reply.subject.endswith("Balasan dari HAI-DJPb") and "Yth. Budi," in reply.body
    with app.app_context():
        assert db.session.scalars(select(TicketLanguage)).all() == []


def test_wtforms_messages_come_from_the_catalogs(client):
    data = {"pengguna": "99", "nama": "Budi", "kirim": "kirim"}
    english = client.post("/permintaan/BCSM.02.01/pembuatan-tiket", data=data, headers=ENGLISH).get_data(as_text=True)
    assert "Not a valid choice." in english
    text = re.sub(r"<[^>]+>", " ", english)
    assert "Pilihan tidak tersedia" not in text
    indonesian = client.post("/permintaan/BCSM.02.01/pembuatan-tiket", data=data).get_data(as_text=True)
    assert "Pilihan tidak tersedia." in indonesian and "Not a valid choice" not in indonesian


def test_wtforms_plural_messages_in_both_languages(app):
    from flask_babel import force_locale
    from wtforms import StringField
    from wtforms.validators import Length

    from portal.core.forms import PortalForm

    class Probe(PortalForm):
        code = StringField(validators=[Length(max=3)])

    with app.test_request_context(method="POST", data={"code": "ABCDE"}):
        form = Probe(meta={"csrf": False})
        assert not form.validate() and form.code.errors == ["Isian paling banyak 3 karakter."]
        with force_locale("en"):
            form = Probe(meta={"csrf": False})
            assert not form.validate() and form.code.errors == ["Field cannot be longer than 3 characters."]


def test_english_request_pages_gloss_the_service_and_the_norm(client):
    client.set_cookie("bahasa", "en")
    for path in ("/permintaan/BCSM.02", "/permintaan/BCSM.02/pembuatan-tiket"):
        text = " ".join(client.get(path).get_data(as_text=True).split())
        name = '<span lang="id">Layanan Konsultasi Teknis Perbendaharaan</span>'
        assert f"{name} (technical treasury consultation)" in text
        assert "24 s.d. 32 jam kerja (working hours)" in text  # the catalog's words, as published, glossed
    client.set_cookie("bahasa", "id")
    text = client.get("/permintaan/BCSM.02").get_data(as_text=True)
    assert "technical treasury consultation" not in text and "(working hours)" not in text
