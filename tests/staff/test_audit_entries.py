"""Every staff change writes one audit entry: actor, app time, object, before/after (#19 item 5)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.staff.conftest import FRIDAY_3PM, new_ticket, signed_in
from tests.staff.test_register import REQUEST

NOW = FRIDAY_3PM.astimezone(UTC)


def entries(app, action=None) -> list[AuditEntry]:
    """The audit entries (of one action), oldest first, detached from the session."""
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def only(app, action) -> AuditEntry:
    """The one entry of ``action``; it carries the app clock's time."""
    rows = entries(app, action)
    assert len(rows) == 1, [(e.action, e.summary) for e in entries(app)]
    assert rows[0].at == NOW
    return rows[0]


def test_status_change_is_audited_and_a_refused_one_is_not(app, people):
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/status", data={"st-status": "diproses"})
    e = only(app, "ticket.status")
    assert (e.actor_id, e.object_type, e.object_id) == (people["agen"], "ticket", reference)
    assert e.before == {"status": "baru"} and e.after == {"status": "diproses"}
    assert "baru → diproses" in e.summary
    # Resolving without a fulfilment is refused: nothing changes, nothing is logged.
    assert agent.post(f"/staf/tiket/{reference}/status", data={"st-status": "selesai"}).status_code == 422
    assert len(entries(app, "ticket.status")) == 1


def test_assignment_reply_and_note_are_audited(app, people):
    reference = new_ticket(app)
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post(f"/staf/tiket/{reference}/tugas", data={"ambil": "1"})
    e = only(app, "ticket.assign")
    assert (e.actor_id, e.object_id) == (people["agen"], reference)
    assert e.before == {"petugas": None} and e.after == {"petugas": "agen@kemenkeu.go.id"}
    agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "balasan", "re-body": "Akun sudah dibuka."})
    agent.post(f"/staf/tiket/{reference}/pesan", data={"jenis": "catatan", "no-body": "Cek log SAKTI."})
    assert only(app, "ticket.reply").after == {"isi": "Akun sudah dibuka."}
    note = only(app, "ticket.note")
    assert (note.actor_id, note.object_id, note.after) == (people["agen"], reference, {"isi": "Cek log SAKTI."})


def test_registering_a_ticket_is_audited_in_its_commit(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post("/staf/tiket/baru?kode=CRSM.01&jenis=pembuatan-tiket", data=REQUEST)
    e = only(app, "ticket.create")
    assert e.actor_id == people["agen"] and e.object_id.startswith("HAI-")
    assert e.after["kanal"] == "whatsapp" and e.after["kode"] == "CRSM.01"
    new_ticket(app)  # a requester's own submission is not a staff change
    assert len(entries(app, "ticket.create")) == 1


def test_canned_replies_are_audited(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    agent.post("/staf/balasan", data={"service": "CRSM.01", "title": "Reset SAKTI", "body": "Langkah 1."})
    created = only(app, "canned.create")
    assert created.actor_id == people["agen"] and created.before is None
    assert created.after == {"layanan": "CRSM.01", "judul": "Reset SAKTI", "isi": "Langkah 1."}
    reply_id = created.object_id
    data = {"reply_id": reply_id, "service": "CRSM.01", "title": "Reset SAKTI", "body": "Langkah 2."}
    agent.post("/staf/balasan", data=data)
    updated = only(app, "canned.update")
    assert updated.object_id == reply_id
    assert (updated.before, updated.after) == ({"isi": "Langkah 1."}, {"isi": "Langkah 2."})
    agent.post("/staf/balasan/hapus", data={"item_id": reply_id})
    deleted = only(app, "canned.delete")
    assert deleted.object_id == reply_id and deleted.before["judul"] == "Reset SAKTI" and deleted.after is None


def test_calendar_and_announcements_are_audited(app, people):
    lead = signed_in(app, "ketua@kemenkeu.go.id")
    data = {"hr-day": "2026-11-30", "hr-kind": "tutup", "hr-reason": "Cuti bersama", "hr-announce": "y"}
    lead.post("/staf/kalender/hari", data=data)
    e = only(app, "calendar.set")
    assert (e.actor_id, e.object_type, e.object_id) == (people["ketua"], "calendar", "2026-11-30")
    assert e.before is None and e.after == {"hari": "2026-11-30", "jenis": "tutup", "alasan": "Cuti bersama"}
    announced = only(app, "announcement.add")  # the box was ticked: the closure is announced too
    assert announced.actor_id == people["ketua"] and announced.after["sampai"] == "2026-11-30"
    lead.post("/staf/kalender/hari", data={**data, "hr-kind": "buka", "hr-announce": ""})
    changed = entries(app, "calendar.set")[1]
    assert changed.before["jenis"] == "tutup" and changed.after["jenis"] == "buka"
    lead.post("/staf/kalender/hari/hapus", data={"item_id": "2026-11-30"})
    assert only(app, "calendar.remove").before["jenis"] == "buka"
    lead.post("/staf/kalender/pengumuman/hapus", data={"item_id": announced.object_id})
    removed = only(app, "announcement.remove")
    assert removed.actor_id == people["ketua"] and removed.before["judul"] == announced.after["judul"]


def test_calendar_changes_from_the_command_line_have_no_actor(app, runner):
    result = runner.invoke(args=["kalender", "tutup", "2026-12-24", "--alasan", "Cuti bersama"])
    assert result.exit_code == 0, result.output
    e = only(app, "calendar.set")
    assert e.actor_id is None and e.object_id == "2026-12-24"


def test_accounts_are_audited(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    data = {"akun-email": "baru@kemenkeu.go.id", "akun-name": "Baru", "akun-role": "agen", "akun-units": ["PIP"]}
    admin.post("/staf/admin/pengguna", data=data)
    created = [e for e in entries(app, "account.create") if e.actor_id == people["admin"]]
    assert len(created) == 1 and created[0].at == NOW
    assert created[0].after == {
        "email": "baru@kemenkeu.go.id", "nama": "Baru", "peran": "agen", "unit": ["PIP"], "jenis_pengguna": None
    }
    admin.post("/staf/admin/pengguna/status", data={"user_id": people["agen"], "active": "0"})
    off = only(app, "account.deactivate")
    assert (off.actor_id, off.object_id, off.before, off.after) == (
        people["admin"], str(people["agen"]), {"aktif": True}, {"aktif": False}
    )
    admin.post("/staf/admin/pengguna/status", data={"user_id": people["agen"], "active": "1"})
    assert only(app, "account.activate").after == {"aktif": True}
    response = admin.post("/staf/admin/pengguna/sandi", data={"user_id": people["ketua"]})
    reset = only(app, "account.password_reset")
    assert (reset.actor_id, reset.object_id) == (people["admin"], str(people["ketua"]))
    password = response.get_data(as_text=True).split("data-password")[1].split("<")[0].split(">")[1]
    assert all(password not in str(v) for e in entries(app) for v in (e.summary, e.before, e.after))


def test_changing_ones_own_password_is_audited(app, people):
    agent = signed_in(app, "agen@kemenkeu.go.id")
    new = "kalimat panjang yang baru 2026"
    agent.post("/staf/kata-sandi", data={"current": "kata-sandi-rahasia-1", "new": new, "confirm": new})
    e = only(app, "account.password_change")
    assert (e.actor_id, e.object_id) == (people["agen"], str(people["agen"]))
    assert new not in e.summary


def test_api_tokens_made_and_revoked_on_the_command_line_are_audited(app, runner):
    created = runner.invoke(args=["api-token", "create", "bot-wa"])
    assert created.exit_code == 0, created.output
    e = only(app, "api_token.create")
    assert (e.actor_id, e.object_type, e.object_id) == (None, "api_token", "bot-wa")
    secret = created.output.strip().splitlines()[-1]
    assert secret not in str(e.after) and secret not in e.summary
    assert runner.invoke(args=["api-token", "revoke", "bot-wa"]).exit_code == 0
    revoked = only(app, "api_token.revoke")
    assert (revoked.before, revoked.after) == ({"dicabut": False}, {"dicabut": True})
