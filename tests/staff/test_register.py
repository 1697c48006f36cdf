"""Staff register requests received through another channel; the requester gets the usual confirmation."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket
from tests.conftest import outbox
from tests.staff.conftest import signed_in

URL = "/staf/tiket/baru"
REQUEST = {
    "kanal": "whatsapp",
    "pengguna": "1",
    "nama": "Siti Rahma",
    "email": "siti@satker.go.id",
    "subjek": "Reset user SAKTI",
    "detail": "Disampaikan lewat WhatsApp: akun SAKTI terkunci.",
}


def only_ticket(app) -> Ticket:
    with app.app_context():
        t = db.session.scalars(select(Ticket)).one()
        _ = t.events  # loaded before the session closes
        db.session.expunge(t)
        return t


def test_the_three_steps_are_offered(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    page = agent.get(URL).get_data(as_text=True)
    assert 'value="CRSM.01"' in page and 'value="BCSM.04.01"' in page
    assert 'value="WBSM.01"' not in page  # complaints go to SIAP
    assert 'value="BCSM.04"' not in page  # its sub-scopes have their own units
    types = agent.get(f"{URL}?kode=CRSM.01").get_data(as_text=True)
    assert "jenis=pembuatan-tiket" in types
    form = agent.get(f"{URL}?kode=CRSM.01&jenis=pembuatan-tiket").get_data(as_text=True)
    assert 'name="kanal"' in form and 'value="whatsapp"' in form and 'value="call_center"' in form
    assert 'value="portal"' not in form
    assert agent.get(f"{URL}?kode=WBSM.01&jenis=pembuatan-tiket").get_data(as_text=True).count('name="kanal"') == 0


def test_registration_records_the_channel_and_sends_the_confirmation(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    response = agent.post(f"{URL}?kode=CRSM.01&jenis=pembuatan-tiket", data=REQUEST)
    assert response.status_code == 303
    t = only_ticket(app)
    assert response.headers["Location"].endswith(f"/staf/tiket/{t.reference}")
    assert (t.channel, t.code, t.owner_unit, t.requester_email) == (
        "whatsapp",
        "CRSM.01",
        "Direktorat SITP",
        REQUEST["email"],
    )
    assert t.requester_user_id is None
    created = t.events[0]
    assert (created.kind, created.author, created.actor_id) == ("dibuat", "staf", people["agen"])
    [mail] = outbox(app)
    assert mail["To"] == REQUEST["email"] and t.reference in mail["Subject"]
    body = mail.get_content()
    link = re.search(r"http://localhost(/status/\S+\?t=\S+)", body).group(1)
    assert t.reference in link
    thread = app.test_client().get(link, follow_redirects=True)  # the private link opens the thread
    assert thread.status_code == 200 and "Reset user SAKTI" in thread.get_data(as_text=True)


def test_dashboard_counts_the_channel(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"{URL}?kode=CRSM.01&jenis=pembuatan-tiket", data=REQUEST)
    agent.post(f"{URL}?kode=CRSM.01&jenis=pembuatan-tiket", data={**REQUEST, "kanal": "call_center"})
    page = signed_in(app, "ketua@kemenkeu.go.id").get("/staf/dasbor").get_data(as_text=True)
    assert re.search(r'data-channel="whatsapp"><th scope="row">Whatsapp</th><td class="n">1<', page)
    assert re.search(r'data-channel="call_center"><th scope="row">Call Center</th><td class="n">1<', page)


def test_internal_only_service_needs_no_requester_sign_in(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    data = {**REQUEST, "kanal": "hai_cso", "pengguna": "8"}  # ITSM.04 is open to internal user types only
    assert agent.post(f"{URL}?kode=ITSM.04&jenis=pembuatan-tiket", data=data).status_code == 303
    assert only_ticket(app).channel == "hai_cso"


def test_refusals_keep_the_form(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    url = f"{URL}?kode=CRSM.01&jenis=pembuatan-tiket"
    assert agent.post(url, data={**REQUEST, "kanal": "portal"}).status_code == 422  # not another channel
    assert agent.post(url, data={**REQUEST, "kanal": ""}).status_code == 422
    page = agent.post(f"{URL}?kode=ITSM.04&jenis=pembuatan-tiket", data=REQUEST)  # user type 1: not eligible
    assert page.status_code == 422 and "Siti Rahma" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Ticket)).all() == []
    assert outbox(app) == []


def test_a_request_for_another_unit_goes_there(app, people):
    other = signed_in(app, "setditjen@kemenkeu.go.id")  # Sekretariat DJPb registers an SITP request
    response = other.post(f"{URL}?kode=CRSM.01&jenis=pembuatan-tiket", data={**REQUEST, "kanal": "email"})
    assert response.headers["Location"].endswith("/staf/")
    t = only_ticket(app)
    assert t.owner_unit == "Direktorat SITP" and other.get(f"/staf/tiket/{t.reference}").status_code == 404
    assert signed_in(app, "agen@kemenkeu.go.id").get(f"/staf/tiket/{t.reference}").status_code == 200


def test_a_double_submission_records_one_ticket(app, people):
    """The form's one-time key: a double click or Back + "Simpan" of the same request records it once."""
    agent = signed_in(app, "agen@kemenkeu.go.id")
    form_url = f"{URL}?kode=CRSM.01&jenis=pembuatan-tiket"
    page = agent.get(form_url).get_data(as_text=True)
    key = re.search(r'name="kunci_kirim" value="([^"]+)"', page).group(1)
    first = agent.post(form_url, data={**REQUEST, "kunci_kirim": key})
    again = agent.post(form_url, data={**REQUEST, "kunci_kirim": key})
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    t = only_ticket(app)  # exactly one ticket
    assert len(outbox(app)) == 1  # and one confirmation
    other = agent.post(form_url, data={**REQUEST, "kunci_kirim": key, "subjek": "Permintaan lain"})
    assert other.status_code == 303 and t.reference not in other.headers["Location"]  # new content, new ticket
