"""The pages behind sign-in are valid HTML too: the back office, account pages, the SIAP workspace.

Rendered as in production (CSRF tokens in every form) for a unit lead, an administrator, a
Secretariat member and a reporter, including answers to POSTs (form errors, a password shown
once), then checked in one Nu checker run like the public pages (``tests/test_html_valid.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import update

from portal.auth import service
from portal.auth.models import User
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests.siap.conftest import SIAP_TEST_CONFIG, UNIT, complaint_data
from tests.test_html_valid import VNU_VERSION, nu_errors, save_page

PASSWORD = "kata-sandi-rahasia-1"
ACCOUNTS = [  # e-mail, role, units: the lead of the unit that answers CRSM.01, an admin, a SIAP member
    ("ketua@kemenkeu.go.id", "ketua", ["Direktorat SITP"]),
    ("admin@kemenkeu.go.id", "admin", [UNIT]),
    ("sekretariat@kemenkeu.go.id", "agen", [UNIT]),
]


def token(client, path: str) -> str:
    """The CSRF token of the first form on ``path``."""
    page = BeautifulSoup(client.get(path).data, "html.parser")
    return page.select_one("input[name=csrf_token]")["value"]


def post(client, path: str, data: dict, form_page: str | None = None):
    """POST ``data`` with the CSRF token of the page the form is on."""
    return client.post(path, data={**data, "csrf_token": token(client, form_page or path)})


def sign_in(app, email: str):
    client = app.test_client()
    response = post(client, "/staf/masuk", {"email": email, "password": PASSWORD})
    assert response.status_code == 303, email
    return client


def world(app) -> tuple[str, str]:
    """Accounts, a SIAP unit key held by the member, a ticket and a complaint; return their references."""
    from portal.siap import members

    with app.app_context():
        known = service.owner_units(app.extensions["catalog"])
        ids = {
            email: service.create_user(
                db.session, email=email, name=role.title(), role=role, password=PASSWORD, units=units,
                known_units=known, ph=service.hasher(1024),
            ).id
            for email, role, units in ACCOUNTS
        }
        members.init_unit(db.session, db.session.get(User, ids["sekretariat@kemenkeu.go.id"]), PASSWORD)
    requester = app.test_client()
    form = "/permintaan/CRSM.01/pembuatan-tiket"
    response = post(requester, form, {
        "pengguna": "1", "nama": "Budi", "email": "budi@satker.go.id", "subjek": "Reset user SAKTI",
        "detail": "Akun SAKTI terkunci setelah salah kata sandi.",
    })
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    reference = re.search(r"/status/([^?]+)", response.headers["Location"]).group(1)
    reporter = app.test_client()
    assert post(reporter, "/siap/lapor", complaint_data("Petugas meminta imbalan")).status_code == 303
    return reference, reporter


def waiting_chat(app) -> int:
    """A visitor's chat waiting for an agent (as ``/chat/mulai`` leaves it)."""
    from portal.chat import service as chat_service
    from portal.core.clock import now

    with app.app_context():
        can = chat_service.Availability(True, True, None)
        chat = chat_service.start(db.session, name="Rina", email="rina@satker.go.id", code="CRSM.01", about="",
                                  text="Mohon bantuan hak akses <b>segera</b>.", now=now(), can=can)  # fmt: skip
        return chat.id


def test_signed_in_pages_are_valid_html(make_app, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=True, **SIAP_TEST_CONFIG)
    reference, reporter = world(app)
    files: dict[Path, str] = {}

    def keep(label: str, response, status: int = 200) -> None:
        assert response.status_code == status, f"{label} answered {response.status_code}"
        save_page(files, tmp_path, label, response.data)

    lead = sign_in(app, "ketua@kemenkeu.go.id")
    for path in ["/staf/", "/staf/?antrian=semua", f"/staf/tiket/{reference}", "/staf/tiket/baru", "/staf/dasbor",
                 "/staf/balasan", "/staf/umpan-balik", "/staf/kalender", "/staf/kata-sandi"]:
        keep(path, lead.get(path))
    page = BeautifulSoup(lead.get(f"/staf/tiket/{reference}").data, "html.parser")
    sent = page.select_one("input[name=fw-sent_at]")["value"]  # the form's default: now, on the app's clock
    forward = {"fw-unit": "Ditjen Pajak", "fw-channel": "Surat dinas", "fw-sent_at": sent}
    assert post(lead, f"/staf/tiket/{reference}/teruskan", forward, f"/staf/tiket/{reference}").status_code == 303
    keep("/staf/tiket (diteruskan)", lead.get(f"/staf/tiket/{reference}"))
    faq = {"jenis": "balasan", "re-body": "Halo", "faq_q": "reset password sakti", "faq_cari": "1"}
    keep("/staf/tiket (cari FAQ)", post(lead, f"/staf/tiket/{reference}/pesan", faq, f"/staf/tiket/{reference}"))
    chat_id = waiting_chat(app)  # web chat: the queue with a waiting visitor, then the chat the lead took
    keep("/staf/chat", lead.get("/staf/chat"))
    assert post(lead, f"/staf/chat/{chat_id}/terima", {}, "/staf/chat").status_code == 303
    keep(f"/staf/chat/{chat_id}", lead.get(f"/staf/chat/{chat_id}"))
    wrong = {"current": "salah", "new": "pendek", "confirm": "lain"}
    keep("/staf/kata-sandi (galat)", post(lead, "/staf/kata-sandi", wrong), 400)

    # Incoming mail: a ticket in triage, a reply held (another address), a quarantined message.
    cli = app.test_cli_runner()
    first = b"From: Sari <sari@satker.go.id>\nSubject: Akun SAKTI\n\nTolong.\n"
    mailed = cli.invoke(args=["mail", "ingest"], input=first)
    triaged = mailed.output.strip()
    held = f"From: lain@example.com\nSubject: Re: [{triaged}]\n\nSaya juga.\n".encode()
    assert cli.invoke(args=["mail", "ingest"], input=held).exit_code == 0
    broken = b"From: a@example.com\nContent-Type: multipart/mixed; boundary=x\n\n--y\nrusak\n"
    assert cli.invoke(args=["mail", "ingest"], input=broken).exit_code == 0
    for path in ["/staf/surel/triase", f"/staf/surel/triase/{triaged}", "/staf/surel/ditahan"]:
        keep(path, lead.get(path))

    admin = sign_in(app, "admin@kemenkeu.go.id")
    keep("/staf/surel/karantina", admin.get("/staf/surel/karantina"))
    keep("/staf/admin/pengguna", admin.get("/staf/admin/pengguna"))
    keep("/staf/admin/editor-faq", admin.get("/staf/admin/editor-faq"))
    mapping = {"pt-code": "BCSM.02.02", "pt-unit": "Direktorat Pengelolaan Kas Negara"}
    assert post(admin, "/staf/admin/pemetaan", mapping, "/staf/admin/pemetaan").status_code == 303
    keep("/staf/admin/pemetaan", admin.get("/staf/admin/pemetaan"))
    with app.app_context():
        lead_id = service.authenticate(db.session, "ketua@kemenkeu.go.id", PASSWORD, service.hasher(1024)).id
    reset = post(admin, "/staf/admin/pengguna/sandi", {"user_id": lead_id}, "/staf/admin/pengguna")
    keep("/staf/admin/pengguna (sandi baru)", reset)
    with app.app_context():  # letters that failed, so the outbox page shows its table
        failed = {"status": "gagal", "attempts": 8, "last_error": "ConnectionRefusedError: [Errno 111] <refused>"}
        db.session.execute(update(OutboxMessage).values(**failed))
        db.session.commit()
    keep("/staf/admin/surat", admin.get("/staf/admin/surat"))
    keep("/staf/admin/log", admin.get("/staf/admin/log"))  # the reset above is one of its entries

    member = sign_in(app, "sekretariat@kemenkeu.go.id")
    keep("/siap/sekretariat/buka", member.get("/siap/sekretariat/buka"))
    unlocked = post(member, "/siap/sekretariat/buka", {"password": PASSWORD})
    assert unlocked.headers["Location"].endswith("/siap/sekretariat")
    inbox = member.get("/siap/sekretariat")
    keep("/siap/sekretariat", inbox)
    [complaint] = BeautifulSoup(inbox.data, "html.parser").select("table a[href*='/pengaduan/']")
    for path in [complaint["href"], "/siap/sekretariat/anggota", "/siap/sekretariat/audit"]:
        keep(path, member.get(path))
    keep("/siap/laporan", reporter.get("/siap/laporan"))

    assert len(files) == 30
    errors = nu_errors(files)
    assert not errors, f"{len(errors)} HTML errors (Nu checker {VNU_VERSION}):\n" + "\n".join(errors)
