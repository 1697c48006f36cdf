"""Staff notifications: a new ticket, an assignment, a requester's reply; the in-app list with
its unread count; "segera" mails at once, the digest at 08.00 WIB on working days collects the day's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.auth import User
from portal.core.desk import get_calendar
from portal.extensions import db
from portal.notifications import service as notes
from portal.tickets import service
from portal.tickets.models import Ticket
from tests.conftest import outbox
from tests.staff.conftest import new_ticket, signed_in


def choose(app, user_id: int, mode: str) -> None:
    with app.app_context():
        notes.set_preferences(db.session, user_id, dict.fromkeys(("tiket-baru", "balasan", "ditugaskan"), mode))


def subjects(app, since: int, to: str) -> list[str]:
    return [m["Subject"] for m in outbox(app)[since:] if m["To"] == to]


def test_a_new_ticket_notifies_the_unit_in_the_list_and_by_mail(app, people):
    choose(app, people["agen"], "segera")
    choose(app, people["ketua"], "segera")
    choose(app, people["lain"], "segera")
    start = len(outbox(app))
    reference = new_ticket(app)
    assert subjects(app, start, "agen@kemenkeu.go.id") == [f"[{reference}] Tiket baru CRSM.01: Reset user SAKTI"]
    assert len(subjects(app, start, "ketua@kemenkeu.go.id")) == 1
    assert subjects(app, start, "setditjen@kemenkeu.go.id") == []  # another unit
    agent = signed_in(app, "agen@kemenkeu.go.id")
    assert "(1 belum dibaca)" in agent.get("/staf/").get_data(as_text=True)
    page = agent.get("/staf/pemberitahuan/").get_data(as_text=True)
    assert reference in page and "Baru" in page
    assert agent.post("/staf/pemberitahuan/baca").status_code == 303
    assert "belum dibaca" not in agent.get("/staf/").get_data(as_text=True)
    other = signed_in(app, "setditjen@kemenkeu.go.id")
    assert reference not in other.get("/staf/pemberitahuan/").get_data(as_text=True)


def test_assignment_and_the_requesters_reply_notify_the_assignee(app, people):
    choose(app, people["agen"], "segera")
    choose(app, people["ketua"], "segera")
    reference = new_ticket(app)
    lead = signed_in(app, "ketua@kemenkeu.go.id")
    start = len(outbox(app))
    lead.post(f"/staf/tiket/{reference}/tugas", data={"as-assignee": str(people["agen"])})
    assert subjects(app, start, "agen@kemenkeu.go.id") == [
        f"[{reference}] Ditugaskan kepada Anda oleh Petugas Uji: Reset user SAKTI"
    ]
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        assert t.assignee_id == people["agen"]
        service.add_requester_reply(db.session, t, "Sudah saya coba.", [], None, app.config["NOW"], get_calendar())
    app.test_cli_runner().invoke(args=["mail", "send"])
    assert subjects(app, start, "agen@kemenkeu.go.id")[-1] == f"[{reference}] Balasan pengguna: Reset user SAKTI"
    assert subjects(app, start, "ketua@kemenkeu.go.id") == []  # a reply goes to the assignee only


def test_by_default_notifications_wait_for_the_digest(app, people):
    start = len(outbox(app))
    reference = new_ticket(app)
    assert [m["To"] for m in outbox(app)[start:]] == ["budi@satker.go.id"]  # the requester's confirmation only
    with app.app_context():
        assert notes.unread_count(db.session, people["agen"]) == 1
    assert reference in signed_in(app, "agen@kemenkeu.go.id").get("/staf/pemberitahuan/").get_data(as_text=True)


def test_the_digest_collects_the_days_notifications_at_eight_on_working_days(app, people):
    choose(app, people["ketua"], "segera")
    agent = signed_in(app, "agen@kemenkeu.go.id")
    choice = {"tiket_baru": "ringkasan", "balasan": "segera", "ditugaskan": "segera"}
    assert agent.post("/staf/pemberitahuan/pilihan", data=choice).status_code == 303
    start = len(outbox(app))
    first, second = new_ticket(app), new_ticket(app)  # Friday 15.00
    assert subjects(app, start, "agen@kemenkeu.go.id") == [] and len(subjects(app, start, "ketua@kemenkeu.go.id")) == 2
    runner = app.test_cli_runner()

    def run(moment: str) -> str:
        only = ["--only", "notifications.digest", "--only", "mail.send"]
        return runner.invoke(args=["jobs", "run", *only, "--now", moment]).output

    assert "0 ringkasan" in run("2026-11-28T08:00:00+07:00")  # Saturday: no digest
    assert "0 ringkasan" in run("2026-11-30T07:59:00+07:00")
    app.config["NOW"] = datetime.fromisoformat("2026-11-30T09:00:00+07:00")
    later = new_ticket(app)  # after Monday's digest time: waits for Tuesday's
    assert "1 ringkasan" in run("2026-11-30T08:00:00+07:00")
    assert "0 ringkasan" in run("2026-11-30T10:00:00+07:00")
    [digest] = [m for m in outbox(app)[start:] if m["To"] == "agen@kemenkeu.go.id"]
    body = digest.get_content()
    assert digest["Subject"] == "Ringkasan pemberitahuan HAI-DJPb" and first in body and second in body
    assert later not in body
    assert "1 ringkasan" in run("2026-12-01T08:00:00+07:00")
    assert later in [m for m in outbox(app) if m["To"] == "agen@kemenkeu.go.id"][-1].get_content()


def test_the_list_is_newest_first_by_when_each_happened(app, people):
    """Rows recorded out of order (a late job records its own "now") still list newest first."""
    with app.app_context():
        user = db.session.get(User, people["agen"])
        for day, text in ((12, "kedua"), (20, "ketiga"), (3, "pertama")):
            moment = datetime(2026, 11, day, 9, 0, tzinfo=get_calendar().tz)
            notes.notify(db.session, [user], kind="ditugaskan", reference="HAI-2611-AAAAAAAA", text=text,
                         now=moment, link="/staf/")  # fmt: skip
        db.session.commit()
        listed = [n.text for n in notes.recent(db.session, user.id)]
    assert listed == ["ketiga", "kedua", "pertama"]
