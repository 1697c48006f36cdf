"""Waiting on the requester: one reminder after N working days, a notice and closing after M; a
reply reopens the ticket. The wait starts Monday 30 November 2026 08.00 WIB: 3 working days end
Wednesday 2 December 16.00, 10 end Friday 11 December 16.00.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from portal.core.desk import get_calendar
from portal.extensions import db
from portal.tickets import service, waiting
from portal.tickets.models import Ticket
from tests.conftest import add_staff, outbox
from tests.staff.conftest import new_ticket, signed_in


def run(app, moment: str) -> str:
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--only", "tickets.requester_waits", "--now", moment])
    assert result.exit_code == 0, result.output
    app.test_cli_runner().invoke(args=["jobs", "run", "--only", "mail.send", "--now", moment])
    return result.output


def waiting_ticket(app) -> str:
    reference = new_ticket(app)
    app.config["NOW"] = datetime.fromisoformat("2026-11-30T08:00:00+07:00")
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/tugas", data={"ambil": "1"})
    assert agent.post(f"/staf/tiket/{reference}/status", data={"st-status": "menunggu-pengguna"}).status_code == 303
    return reference


def load(reference: str) -> Ticket:
    return db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()


def test_one_reminder_after_n_working_days(app, people):
    reference = waiting_ticket(app)
    start = len(outbox(app))
    assert "0 pengingat ke pengguna" in run(app, "2026-12-02T15:59:00+07:00")
    assert "1 pengingat ke pengguna" in run(app, "2026-12-02T16:00:00+07:00")
    assert "0 pengingat ke pengguna" in run(app, "2026-12-03T10:00:00+07:00")
    [letter] = outbox(app)[start:]
    assert letter["To"] == "budi@satker.go.id" and reference in letter.get_content()
    assert "menunggu tanggapan Anda sejak 3 hari kerja" in letter.get_content()


def test_closing_after_m_working_days_and_a_reply_reopens(app, people):
    reference = waiting_ticket(app)
    run(app, "2026-12-03T09:00:00+07:00")  # the reminder
    start = len(outbox(app))
    assert "0 tiket ditutup" in run(app, "2026-12-11T15:59:00+07:00")
    assert "1 tiket ditutup" in run(app, "2026-12-11T16:00:00+07:00")
    assert "0 tiket ditutup" in run(app, "2026-12-11T16:00:00+07:00")
    [notice] = outbox(app)[start:]
    assert notice["To"] == "budi@satker.go.id" and "selama 10 hari kerja" in notice.get_content()
    with app.app_context():
        t = load(reference)
        assert (t.status, t.paused_at, t.paused_hours) == ("ditutup", None, 80.0)
        assert waiting.closed_unanswered(t) and t.events[-1].author == "sistem"
        app.config["NOW"] = datetime.fromisoformat("2026-12-14T09:00:00+07:00")
        service.add_requester_reply(db.session, t, "Ini datanya.", [], None, app.config["NOW"], get_calendar())
        t = load(reference)
        assert t.status == "diproses" and t.closed_at is None and t.next_alert_at is not None


def test_a_reply_after_the_window_is_refused_and_settings_apply(make_app):
    friday = datetime.fromisoformat("2026-11-27T15:00:00+07:00")
    app = make_app(NOW=friday, REQUESTER_REMIND_DAYS=1, REQUESTER_CLOSE_DAYS=2)
    add_staff(app, email="agen@kemenkeu.go.id", role="agen")
    reference = waiting_ticket(app)
    assert "1 pengingat ke pengguna" in run(app, "2026-11-30T16:00:00+07:00")
    assert "1 tiket ditutup" in run(app, "2026-12-01T16:00:00+07:00")
    with app.app_context():
        t = load(reference)
        late = datetime.fromisoformat("2026-12-09T09:00:00+07:00")  # more than 7 days after closing
        with pytest.raises(service.TicketError):
            service.add_requester_reply(db.session, t, "Terlambat.", [], None, late, get_calendar())
