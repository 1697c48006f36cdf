"""Norma-waktu alerts through ``flask jobs run --now``: 75 % and 100 % once each, paused tickets
none, a holiday announced later moves a pending alert, two runs at once alert once (PostgreSQL).

CRSM.01 has a norm of 16 working hours: received Friday 27 November 2026 15.00 WIB, its 75 %
falls on Tuesday 1 December 11.00 and its 100 % at 15.00.
"""

from __future__ import annotations

import os
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.catalog.service import get_catalog
from portal.core.desk import get_calendar
from portal.extensions import db
from portal.jobs import service as jobs
from portal.tickets import alerts
from portal.tickets.models import Ticket
from tests.conftest import outbox
from tests.staff.conftest import new_ticket, signed_in


def run(app, moment: str) -> str:
    only = ["--only", "tickets.norm_alerts", "--only", "mail.send"]
    result = app.test_cli_runner().invoke(args=["jobs", "run", *only, "--now", moment])
    assert result.exit_code == 0, result.output
    return result.output


def letters(app, since: int) -> list[tuple[str, str]]:
    return sorted((m["To"], m["Subject"]) for m in outbox(app)[since:])


def load(reference: str) -> Ticket:
    return db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()


def test_75_and_100_percent_alert_once_each(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = new_ticket(app)
    agent.post(f"/staf/tiket/{reference}/tugas", data={"ambil": "1"})
    start = len(outbox(app))
    assert "0 peringatan 75%" in run(app, "2026-12-01T10:59:00+07:00") and len(outbox(app)) == start
    assert "1 peringatan 75%" in run(app, "2026-12-01T11:00:00+07:00")
    assert letters(app, start) == [("agen@kemenkeu.go.id", f"[{reference}] 75% norma waktu terpakai")]
    assert "0 peringatan 75%, 0 peringatan lewat" in run(app, "2026-12-01T11:00:00+07:00")
    assert "0 peringatan 75%, 0 peringatan lewat" in run(app, "2026-12-01T14:59:00+07:00")
    middle = len(outbox(app))
    assert "1 peringatan lewat norma waktu" in run(app, "2026-12-01T15:00:00+07:00")
    assert letters(app, middle) == [
        ("agen@kemenkeu.go.id", f"[{reference}] Lewat norma waktu"),
        ("ketua@kemenkeu.go.id", f"[{reference}] Lewat norma waktu"),
    ]
    assert "Selasa, 1 Desember 2026 pukul 15.00 WIB" in outbox(app)[-1].get_content()
    run(app, "2026-12-02T09:00:00+07:00")
    assert len(outbox(app)) == middle + 2
    with app.app_context():
        t = load(reference)
        assert t.alert75_at is not None and t.alert100_at is not None and t.next_alert_at is None


def test_without_an_assignee_the_unit_is_alerted(app, people):
    reference = new_ticket(app)
    start = len(outbox(app))
    run(app, "2026-12-01T11:00:00+07:00")
    assert letters(app, start) == [
        ("agen@kemenkeu.go.id", f"[{reference}] 75% norma waktu terpakai"),
        ("ketua@kemenkeu.go.id", f"[{reference}] 75% norma waktu terpakai"),
    ]  # not Sekretariat DJPb's agent


def test_a_paused_ticket_gets_no_alert_and_its_alerts_move_by_the_pause(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = new_ticket(app)
    agent.post(f"/staf/tiket/{reference}/tugas", data={"ambil": "1"})
    app.config["NOW"] = datetime.fromisoformat("2026-11-30T08:00:00+07:00")  # 1 working hour used
    agent = signed_in(app, "agen@kemenkeu.go.id")  # a new session: the weekend ended the first
    assert agent.post(f"/staf/tiket/{reference}/status", data={"st-status": "menunggu-pengguna"}).status_code == 303
    start = len(outbox(app))
    for moment in ("2026-12-01T11:00:00+07:00", "2026-12-01T15:00:00+07:00", "2026-12-08T15:00:00+07:00"):
        run(app, moment)
    assert letters(app, start) == []
    app.config["NOW"] = datetime.fromisoformat("2026-12-09T08:00:00+07:00")  # the requester answered
    agent = signed_in(app, "agen@kemenkeu.go.id")
    assert agent.post(f"/staf/tiket/{reference}/status", data={"st-status": "diproses"}).status_code == 303
    assert "0 peringatan 75%" in run(app, "2026-12-10T10:59:00+07:00")  # 11 h left at 75 %: Thu 10.00 + 1
    assert "1 peringatan 75%" in run(app, "2026-12-10T11:00:00+07:00")


def test_a_holiday_announced_later_moves_the_pending_alert(app, people):
    from portal.notices.service import publish_change, set_override

    reference = new_ticket(app)
    run(app, "2026-11-30T09:00:00+07:00")  # the job has worked out Tuesday 11.00 already
    with app.app_context():
        assert load(reference).next_alert_at == datetime.fromisoformat("2026-12-01T11:00:00+07:00")
        set_override(db.session, date(2026, 12, 1), False, "Cuti bersama")
        publish_change()  # what the calendar page does after its commit
    start = len(outbox(app))
    assert "0 peringatan 75%" in run(app, "2026-12-01T11:00:00+07:00") and len(outbox(app)) == start
    assert "0 peringatan 75%" in run(app, "2026-12-02T10:59:00+07:00")
    assert "1 peringatan 75%" in run(app, "2026-12-02T11:00:00+07:00")


def test_the_queue_marks_an_overdue_ticket_in_words(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    reference = new_ticket(app)
    app.config["NOW"] = datetime.fromisoformat("2026-12-01T15:01:00+07:00")
    agent = signed_in(app, "agen@kemenkeu.go.id")
    page = agent.get("/staf/?antrian=semua").get_data(as_text=True)
    row = page[page.index(reference) - 400 : page.index(reference) + 600]
    assert 'class="overdue"' in row and "Lewat norma waktu" in row


@pytest.mark.skipif(not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="the race needs PostgreSQL")
def test_two_runs_at_once_alert_once_on_postgresql(make_app, people, app):
    other = make_app(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], NOW=app.config["NOW"])
    references = [new_ticket(app) for _ in range(3)]
    start = len(outbox(app))
    moment = datetime.fromisoformat("2026-12-01T15:00:00+07:00")
    barrier = threading.Barrier(4)

    def runner(a, direct: bool) -> None:
        with a.app_context():
            barrier.wait()
            if direct:  # past the job lock: the claim alone keeps each alert single
                alerts.send_due(db.session(), now=moment, catalog=get_catalog(), calendar=get_calendar())
            else:
                jobs.run_due(a, db.session(), moment, ("tickets.norm_alerts",))

    threads = [threading.Thread(target=runner, args=(a, d)) for a in (app, other) for d in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    app.test_cli_runner().invoke(args=["mail", "send"])
    sent = letters(app, start) + letters(other, 0)
    assert sorted(sent) == sorted(
        (to, f"[{r}] Lewat norma waktu") for r in references for to in ("agen@kemenkeu.go.id", "ketua@kemenkeu.go.id")
    )
