"""The triage queue: tickets from mail without a code, a suggestion shown only, staff set the code."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from portal.tickets.models import Ticket, TicketEvent
from tests.mailin.conftest import FRIDAY_3PM, ingest, message, reference_in, rows, ticket


def _staff(app, make_user, email="agen@kemenkeu.go.id", units=("Direktorat SITP",), role="agen"):
    make_user(email=email, units=units, role=role)
    client = app.test_client()
    assert client.post("/staf/masuk", data={"email": email, "password": "kata-sandi-rahasia-1"}).status_code == 303
    return client


def test_triage_lists_mail_tickets_and_shows_a_suggestion_it_never_applies(app, make_user):
    ref = reference_in(
        ingest(app, message(subject="Lupa password akun SAKTI", body="Saya lupa password SAKTI, mohon reset user."))[1]
    )
    staff = _staff(app, make_user)
    queue = staff.get("/staf/surel/triase").get_data(as_text=True)
    assert ref in queue and "Lupa password akun SAKTI" in queue
    page = staff.get(f"/staf/surel/triase/{ref}")
    assert page.status_code == 200
    suggestion = re.search(r'data-suggestion="([^"]+)"', page.get_data(as_text=True))
    assert suggestion and app.extensions["catalog"].get(suggestion.group(1)) is not None
    assert "data-chosen-by-requester" not in page.get_data(as_text=True)  # a mail names no code
    assert ticket(app, ref).code == ""  # shown, never applied by itself
    # The unit queues do not list it (it belongs to no unit yet) and do not fail on it.
    assert ref not in staff.get("/staf/?antrian=semua").get_data(as_text=True)


def test_the_ticket_address_of_a_triage_ticket_opens_its_triage_page(app, make_user):
    # A notification or a colleague gives /staf/tiket/<ref>: it opens, not 404 (#17).
    ref = reference_in(ingest(app, message(subject="Tanya SP2D", body="Mohon info SP2D."))[1])
    staff = _staff(app, make_user)
    answer = staff.get(f"/staf/tiket/{ref}")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/staf/surel/triase/{ref}")
    assert staff.get(f"/staf/tiket/{ref.lower()}", follow_redirects=True).status_code == 200
    assert staff.get("/staf/tiket/HAI-2611-ZZZZZZZZ").status_code == 404
    assert app.test_client().get(f"/staf/tiket/{ref}").status_code in (302, 303)  # signed out: the sign-in page


def test_setting_the_code_recomputes_the_due_time_from_receipt(app, make_user):
    ref = reference_in(ingest(app, message(subject="Perubahan layanan"))[1])
    staff = _staff(app, make_user)
    response = staff.post(
        f"/staf/surel/triase/{ref}",
        data={"tr-code": "CRSM.01", "tr-request_type": "pembuatan-tiket", "tr-user_type": "1"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staf/tiket/{ref}")
    t = ticket(app, ref)
    catalog = app.extensions["catalog"]
    with app.app_context():
        from portal.core.desk import get_calendar

        expected = get_calendar().add_working_hours(FRIDAY_3PM, catalog.service_of("CRSM.01").max_hours)
    assert (t.code, t.service_code, t.owner_unit, t.user_type) == ("CRSM.01", "CRSM.01", "Direktorat SITP", 1)
    assert t.due_at == expected
    # The move is routing's: its event, and the requester told the service and the due time.
    assert any(e.kind == "pindah" and "CRSM.01" in e.body and not e.public for e in t.events)
    [moved] = [e.body for e in t.events if e.kind == "pindah"]
    assert moved.startswith("Dipindahkan dari antrean triase ke CRSM.01 (Direktorat SITP)."), moved  # not "- (-)"
    with app.app_context():
        from sqlalchemy import select

        from portal.extensions import db
        from portal.mail.models import OutboxMessage

        subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert any(ref in s and "dipindahkan" in s for s in subjects)
    assert staff.get(f"/staf/tiket/{ref}").status_code == 200
    assert ref not in staff.get("/staf/surel/triase").get_data(as_text=True)
    # A second submission finds no ticket in triage any more: nothing changes twice.
    again = staff.post(
        f"/staf/surel/triase/{ref}",
        data={"tr-code": "BCSM.02", "tr-request_type": "pembuatan-tiket", "tr-user_type": "1"},
    )
    assert again.status_code == 404 and ticket(app, ref).code == "CRSM.01"


def test_a_code_closed_to_the_user_type_or_a_complaint_is_refused(app, make_user):
    ref = reference_in(ingest(app, message())[1])
    staff = _staff(app, make_user)
    refused = staff.post(
        f"/staf/surel/triase/{ref}",
        data={"tr-code": "ITSM.04", "tr-request_type": "pembuatan-tiket", "tr-user_type": "7"},
    )
    assert refused.status_code == 422 and "tidak tersedia" in refused.get_data(as_text=True)
    complaint = staff.post(
        f"/staf/surel/triase/{ref}",
        data={"tr-code": "WBSM.01", "tr-request_type": "pembuatan-tiket", "tr-user_type": "7"},
    )
    assert complaint.status_code == 422
    assert ticket(app, ref).code == ""


def test_every_page_showing_a_ticket_in_triage_answers(app, make_user):
    ref = reference_in(ingest(app, message())[1])
    staff = _staff(app, make_user, role="admin", email="admin@kemenkeu.go.id", units=("Sekretariat DJPb",))
    for url in ("/staf/", "/staf/?antrian=semua", "/staf/dasbor", "/staf/dasbor.csv", "/staf/surel/triase"):
        assert staff.get(url).status_code == 200, url
    # The requester's side: the status check by reference and e-mail, and the thread.
    public = app.test_client()
    answer = public.post("/status", data={"referensi": ref, "email": "budi@satker.go.id"}, follow_redirects=True)
    assert answer.status_code == 200 and ref in answer.get_data(as_text=True)
    assert len(rows(app, Ticket)) == 1 and rows(app, TicketEvent)


def test_the_form_starts_at_the_general_request_type_and_names_the_fitting_ones(app, make_user):
    """A type that does not fit the code is refused with the ones that do (a walk took three tries)."""
    ref = reference_in(ingest(app, message())[1])
    staff = _staff(app, make_user)
    page = BeautifulSoup(staff.get(f"/staf/surel/triase/{ref}").get_data(as_text=True), "html.parser")
    assert page.select_one("select[name=tr-request_type] option[selected]")["value"] == "pembuatan-tiket"
    refused = staff.post(
        f"/staf/surel/triase/{ref}",
        data={"tr-code": "ITSM.01", "tr-request_type": "manajemen-user", "tr-user_type": "1"},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "tidak tersedia untuk ITSM.01. Yang tersedia: Pembuatan tiket ke HAI DJPb" in text
    assert ticket(app, ref).code == ""
