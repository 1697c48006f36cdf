"""Transfer and re-categorise: new code, new unit, due time from the new norm, requester told."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.calendar import WorkingCalendar
from portal.core.timefmt import format_wib
from portal.extensions import db
from portal.mail import delivery
from portal.tickets import routing
from portal.tickets.models import Ticket
from portal.tickets.workflow import clock, transition
from tests.conftest import outbox
from tests.staff.conftest import WIB, new_ticket, signed_in


def load(reference: str) -> Ticket:
    return db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()


def calendar(app) -> WorkingCalendar:
    return WorkingCalendar.from_hours(app.extensions["catalog"].hours)


def test_due_time_keeps_the_hours_spent_and_the_requester_is_told(app, people):
    reference = new_ticket(app, code="CRSM.01")  # Friday 27 November 15.00 WIB, 16 hours, Direktorat SITP
    cal = calendar(app)
    with app.test_request_context():
        t = load(reference)
        assert t.due_at == datetime(2026, 12, 1, 15, 0, tzinfo=WIB)
        # Waiting on the requester from Friday 15.00 to Monday 12.00 banks 5 working hours.
        transition(t, "menunggu-pengguna", actor_id=None, calendar=cal, now=datetime(2026, 11, 27, 15, tzinfo=WIB))
        transition(t, "diproses", actor_id=None, calendar=cal, now=datetime(2026, 11, 30, 12, tzinfo=WIB))
        t.assignee_id = people["agen"]
        db.session.commit()
        moment = datetime(2026, 11, 30, 13, 0, tzinfo=WIB)
        before = clock(t, cal, 16, moment)
        routing.recategorise(
            db.session(), t, code="BCSM.01", actor_id=people["agen"], reason="Pertanyaan kepegawaian", now=moment
        )
        t = load(reference)
        # Receipt + 32 hours (BCSM.01) + the 5 waited: Friday 4 December 12.00.
        assert t.due_at == datetime(2026, 12, 4, 12, 0, tzinfo=WIB)
        after = clock(t, cal, 32, moment)
        assert after.elapsed == before.elapsed == 1.0 and after.remaining == 31.0
        assert (t.code, t.service_code, t.owner_unit) == ("BCSM.01", "BCSM.01", "Sekretariat DJPb")
        assert (t.status, t.assignee_id) == ("baru", None)  # new and unassigned for the receiving unit
        event = t.events[-1]
        assert event.kind == "pindah" and not event.public and "Pertanyaan kepegawaian" in event.body
        due_text = format_wib(t.due_at)
        delivery.send_due(db.session())  # no request here to send after commit: as cron would
    letter = outbox(app)[-1]
    assert reference in letter["Subject"] and "dipindahkan" in letter["Subject"]
    body = letter.get_content()
    assert "BCSM.01" in body and due_text in body


def test_the_receiving_unit_sees_it_new_and_the_old_unit_no_longer(app, people):
    reference = new_ticket(app, code="CRSM.01")
    with app.test_request_context():
        routing.recategorise(
            db.session(),
            load(reference),
            code="BCSM.01",
            actor_id=people["agen"],
            reason="Salah kode",
            now=datetime(2026, 11, 27, 15, 30, tzinfo=WIB),
        )
    receiving = signed_in(app, "setditjen@kemenkeu.go.id")
    assert reference in receiving.get("/staf/?antrian=belum-ditugaskan").get_data(as_text=True)
    assert receiving.get(f"/staf/tiket/{reference}").status_code == 200


def test_only_the_owning_unit_or_the_help_desk_may_transfer(app, people, make_user):
    sitp_ticket = new_ticket(app, code="CRSM.01")
    moment = datetime(2026, 11, 27, 15, 30, tzinfo=WIB)
    with app.test_request_context():
        with pytest.raises(routing.RoutingError):
            routing.recategorise(
                db.session(), load(sitp_ticket), code="BCSM.01", actor_id=people["lain"], reason="x", now=moment
            )
        assert load(sitp_ticket).code == "CRSM.01"
    sekretariat_ticket = new_ticket(app, code="CRSM.01")
    with app.app_context():
        t = load(sekretariat_ticket)
        t.code, t.service_code, t.owner_unit = "BCSM.01", "BCSM.01", "Sekretariat DJPb"
        db.session.commit()
    app.config["HELP_DESK_UNIT"] = ""
    # Without a help desk unit, SITP is just another unit.
    with app.test_request_context(), pytest.raises(routing.RoutingError):
        routing.recategorise(
            db.session(), load(sekretariat_ticket), code="CRSM.01", actor_id=people["agen"], reason="x", now=moment
        )
    app.config["HELP_DESK_UNIT"] = "Direktorat SITP"
    with app.test_request_context():
        routing.recategorise(
            db.session(),
            load(sekretariat_ticket),
            code="CRSM.01",
            actor_id=people["agen"],
            reason="Permintaan perubahan layanan",
            now=moment,
        )
        assert load(sekretariat_ticket).owner_unit == "Direktorat SITP"


@pytest.mark.parametrize(
    ("code", "message"),
    [("CRSM.01", "sudah berada"), ("WBSM.01", "SIAP"), ("XXXX.99", "tidak ada"), ("BCSM.04", "sub-lingkup")],
)
def test_refused_targets(app, people, code, message):
    reference = new_ticket(app, code="CRSM.01")
    with app.test_request_context(), pytest.raises(routing.RoutingError, match=message):
        routing.recategorise(
            db.session(),
            load(reference),
            code=code,
            actor_id=people["agen"],
            reason="x",
            now=datetime(2026, 11, 27, 15, 30, tzinfo=WIB),
        )


def test_a_ticket_without_a_code_gets_one(app, people):
    """The e-mail triage's case: a ticket filed with no code yet."""
    reference = new_ticket(app, code="CRSM.01")
    with app.test_request_context():
        t = load(reference)
        t.code, t.owner_unit = "", "Direktorat SITP"
        db.session.commit()
        routing.recategorise(
            db.session(),
            t,
            code="ITSM.02",
            actor_id=None,
            reason="Triase e-mail",
            now=datetime(2026, 11, 27, 15, 30, tzinfo=WIB),
            tell_requester=False,
        )
        t = load(reference)
        assert (t.code, t.owner_unit, t.events[-1].author) == ("ITSM.02", "Direktorat SITP", "sistem")


def test_transfer_from_the_ticket_page_is_audited(app, people):
    reference = new_ticket(app, code="CRSM.01")
    other = signed_in(app, "setditjen@kemenkeu.go.id")
    assert (
        other.post(f"/staf/tiket/{reference}/pindah", data={"pi-code": "BCSM.01", "pi-reason": "x"}).status_code == 404
    )
    agent = signed_in(app, "agen@kemenkeu.go.id")
    page = agent.get(f"/staf/tiket/{reference}").get_data(as_text=True)
    assert '<optgroup label="BCSM' in page and 'value="BCSM.02.02"' in page and 'value="WBSM.01"' not in page
    assert (
        agent.post(f"/staf/tiket/{reference}/pindah", data={"pi-code": "BCSM.01", "pi-reason": ""}).status_code == 422
    )
    response = agent.post(f"/staf/tiket/{reference}/pindah", data={"pi-code": "BCSM.01", "pi-reason": "Kepegawaian"})
    assert response.status_code == 303
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.transfer")).one()
        assert (entry.object_id, entry.actor_id, entry.summary) == (reference, people["agen"], "Kepegawaian")
        assert entry.before["code"] == "CRSM.01" and entry.after["owner_unit"] == "Sekretariat DJPb"
        assert entry.after["due_at"] != entry.before["due_at"]


def test_the_help_desk_opens_other_units_tickets_and_nobody_else_does(app, people):
    reference = new_ticket(app, code="CRSM.01")
    with app.test_request_context():
        routing.recategorise(
            db.session(),
            load(reference),
            code="BCSM.01",
            actor_id=None,
            reason="x",
            now=datetime(2026, 11, 27, 15, 30, tzinfo=WIB),
            tell_requester=False,
        )
    assert signed_in(app, "agen@kemenkeu.go.id").get(f"/staf/tiket/{reference}").status_code == 200
    app.config["HELP_DESK_UNIT"] = ""
    assert signed_in(app, "agen@kemenkeu.go.id").get(f"/staf/tiket/{reference}").status_code == 404
