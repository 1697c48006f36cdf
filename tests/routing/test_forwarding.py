"""Tracked forwarding to a linked unit: the record, "Diteruskan", the requester's view, one reminder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.tickets.models import Ticket
from portal.tickets.routing_models import TicketForward
from tests.conftest import outbox
from tests.staff.conftest import new_ticket, signed_in

UNIT = "Sekretariat Jenderal Kemenkeu"  # linked to ITSM.02 in section F


def load(reference: str) -> Ticket:
    return db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()


def forwarded(app, agent, sent="2026-11-27T14:00"):
    reference = new_ticket(app, code="ITSM.02", pengguna="5")
    agent.post(f"/staf/tiket/{reference}/tugas", data={"ambil": "1"})
    data = {"fw-unit": UNIT, "fw-channel": "Surat dinas", "fw-sent_at": sent, "fw-their_reference": ""}
    response = agent.post(f"/staf/tiket/{reference}/teruskan", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return reference


def test_the_catalog_units_of_the_code_are_suggested_first(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = new_ticket(app, code="ITSM.02", pengguna="5")
    page = agent.get(f"/staf/tiket/{reference}").get_data(as_text=True)
    first_group = page.index('<optgroup label="Terkait kode ITSM.02">')
    assert first_group < page.index(f'<option value="{UNIT}">') < page.index('<optgroup label="Unit terkait lainnya">')


def test_forward_is_recorded_and_the_requester_sees_it(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = forwarded(app, agent)
    with app.app_context():
        t = load(reference)
        [f] = t.forwards
        assert t.status == "diteruskan-unit" and (f.unit, f.channel) == (UNIT, "Surat dinas")
        assert f.sent_at.isoformat().startswith("2026-11-27T07:00")  # 14.00 WIB
        assert (
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.forward")).one().after["unit"]
            == UNIT
        )
    summary = app.test_client().post("/status", data={"referensi": reference}).get_data(as_text=True)
    assert f"Diteruskan ke {UNIT} pada Jumat, 27 November 2026 pukul 14.00 WIB" in summary
    assert agent.get("/staf/?antrian=semua").get_data(as_text=True).count(reference) >= 1  # still an open ticket


def test_a_forward_is_refused_for_an_unknown_unit_or_a_future_date(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = new_ticket(app, code="ITSM.02", pengguna="5")
    for data in (
        {"fw-unit": "Unit Karangan", "fw-channel": "E-mail", "fw-sent_at": "2026-11-27T14:00"},
        {"fw-unit": UNIT, "fw-channel": "E-mail", "fw-sent_at": "2026-12-30T14:00"},
        {"fw-unit": UNIT, "fw-channel": "E-mail", "fw-sent_at": "bukan tanggal"},
    ):
        assert agent.post(f"/staf/tiket/{reference}/teruskan", data=data).status_code == 422
    with app.app_context():
        assert load(reference).status == "baru" and load(reference).forwards == []


def test_acknowledgement_and_answer(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = forwarded(app, agent)
    with app.app_context():
        forward_id = load(reference).forwards[0].id
    early = {"fu-forward_id": str(forward_id), "fu-acknowledged_at": "2026-11-26T10:00"}  # before it was sent
    assert agent.post(f"/staf/tiket/{reference}/teruskan/catat", data=early).status_code == 422
    data = {
        "fu-forward_id": str(forward_id),
        "fu-their_reference": "ND-77/SJ/2026",
        "fu-acknowledged_at": "2026-11-27T14:30",
    }
    assert agent.post(f"/staf/tiket/{reference}/teruskan/catat", data=data).status_code == 303
    with app.app_context():
        f = load(reference).forwards[0]
        assert (
            f.their_reference == "ND-77/SJ/2026"
            and f.acknowledged_at is not None
            and load(reference).status == "diteruskan-unit"
        )
    answer = {"fu-forward_id": str(forward_id), "fu-answer": "Akses jaringan sudah dibuka."}
    assert agent.post(f"/staf/tiket/{reference}/teruskan/catat", data=answer).status_code == 303
    with app.app_context():
        t = load(reference)
        assert t.status == "diproses" and t.forwards[0].answer == "Akses jaringan sudah dibuka."
    with app.app_context():
        updates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.forward_update")).all()
        assert [sorted(e.after) for e in updates] == [
            ["acknowledged_at", "their_reference"],
            ["answered", "status"],
        ]
        assert updates[1].after["status"] == "diproses" and updates[1].before["status"] == "diteruskan-unit"
    wrong = {"fu-forward_id": "999999", "fu-answer": "x"}
    assert agent.post(f"/staf/tiket/{reference}/teruskan/catat", data=wrong).status_code == 422


def test_the_assignee_is_reminded_once_after_n_working_days(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = forwarded(app, agent)  # sent Friday 27 November 14.00; 2 working days = Tuesday 14.00
    acknowledged = forwarded(app, agent)
    with app.app_context():
        t = load(acknowledged)
        t.forwards[0].acknowledged_at = t.forwards[0].sent_at
        db.session.commit()
    runner = app.test_cli_runner()
    before = len(outbox(app))
    result = runner.invoke(args=["tickets", "remind-forwards", "--now", "2026-12-01T13:59:00+07:00"])
    assert result.exit_code == 0 and "0 pengingat" in result.output and len(outbox(app)) == before
    result = runner.invoke(args=["tickets", "remind-forwards", "--now", "2026-12-01T14:00:00+07:00"])
    assert "1 pengingat" in result.output
    # The reminder was queued at --now, with its claim; the next run sends it.
    runner.invoke(args=["jobs", "run", "--only", "mail.send", "--now", "2026-12-01T14:01:00+07:00"])
    [letter] = outbox(app)[before:]
    assert letter["To"] == "agen@kemenkeu.go.id" and reference in letter["Subject"] and UNIT in letter.get_content()
    again = runner.invoke(args=["tickets", "remind-forwards", "--now", "2026-12-03T09:00:00+07:00"])
    runner.invoke(args=["jobs", "run", "--only", "mail.send", "--now", "2026-12-03T09:01:00+07:00"])
    assert "0 pengingat" in again.output and len(outbox(app)) == before + 1
    with app.app_context():
        rows = db.session.scalars(select(TicketForward).order_by(TicketForward.id)).all()
        assert [r.reminded_at is not None for r in rows] == [True, False]
    assert "pengingat dikirim" in agent.get(f"/staf/tiket/{reference}").get_data(as_text=True)


def test_now_sets_the_portals_clock_for_the_whole_command(app, people):
    # As with `flask jobs run --now`: the reminder letter is dated and queued at --now, not at
    # the portal's own clock (the app's NOW is Friday 27 November here), and the clock comes back.
    agent = signed_in(app, "agen@kemenkeu.go.id")
    forwarded(app, agent)
    moment = datetime.fromisoformat("2026-12-02T09:30:00+07:00")
    result = app.test_cli_runner().invoke(args=["tickets", "remind-forwards", "--now", moment.isoformat()])
    assert "1 pengingat" in result.output
    with app.app_context():
        letter = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert letter.created_at == moment and letter.next_attempt_at == moment
        assert "02 Dec 2026 02:30:00" in letter.headers["Date"]
        assert app.config["NOW"] != moment
    for bad in ("2026-12-02T09:30:00", "kemarin"):
        refused = app.test_cli_runner().invoke(args=["tickets", "remind-forwards", "--now", bad])
        assert refused.exit_code == 2 and "--now" in refused.output


def test_without_an_assignee_the_unit_leads_are_reminded(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = forwarded(app, agent)
    agent.post(f"/staf/tiket/{reference}/tugas", data={"as-assignee": ""})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tickets", "remind-forwards", "--now", "2026-12-02T09:00:00+07:00"])
    assert "1 pengingat" in result.output
    runner.invoke(args=["jobs", "run", "--only", "mail.send", "--now", "2026-12-02T09:01:00+07:00"])
    assert outbox(app)[-1]["To"] == "ketua@kemenkeu.go.id"


def test_the_norma_waktu_keeps_running_while_forwarded(app, people):
    """README decision: a forward does not pause the clock; a late forwarded ticket is overdue."""
    from datetime import datetime, timedelta

    from portal.core.calendar import WorkingCalendar
    from portal.tickets.workflow import clock
    from tests.staff.conftest import WIB

    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = forwarded(app, agent)
    calendar = WorkingCalendar.from_hours(app.extensions["catalog"].hours)
    with app.app_context():
        t = load(reference)
        monday_noon = datetime(2026, 11, 30, 12, tzinfo=WIB)
        sla = clock(t, calendar, 24, monday_noon)
        assert not sla.paused and t.paused_at is None and sla.elapsed == 5.0  # Friday 15-16 + Monday 8-12
        t.due_at = t.received_at - timedelta(hours=1)  # as if its norm had run out
        db.session.commit()
    assert reference in agent.get("/staf/?antrian=terlambat").get_data(as_text=True)
