""""Jadikan FAQ" (#16 item 4a): a resolved ticket becomes one scrubbed draft, for its own unit only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.faq.authoring_models import FaqTicketSource
from portal.faq.models import FaqArticle, FaqRevision
from portal.tickets.models import Ticket, TicketEvent, TicketStatus
from tests.conftest import add_staff
from tests.staff.conftest import FRIDAY_3PM, new_ticket

ROOT = Path(__file__).resolve().parents[2]
UNIT = "Direktorat SITP"  # owns CRSM.01
# Every kind of personal data, each as a ticket would carry it.
PERSONAL = {
    "requester": "Rahmawati Kusumaningrum",
    "address": "rahma.kusuma@satker.go.id",
    "staff": "Sulastri Handayani",
    "honorific": "Hendra Wijaya",
    "email": "budi.hartono@gmail.com",
    "mobile": "0812-3456-7890",
    "mobile62": "+62 813 9876 5432",
    "landline": "(021) 3449230",
    "nip": "198503122010121001",
    "nip_spaced": "19850312 201012 1 002",
    "nik": "3174012345678901",
    "npwp": "01.234.567.8-901.000",
    "npwp16": "0012345678901234",
    "account": "0123-01-000123-30-5",
    "satker": "527010",
    "reference": "HAI-2611-7KQ4M9XD",
    "token": "rahasiatoken123456789",
}
DETAIL = (
    f"Saya {PERSONAL['requester']}, operator satker {PERSONAL['satker']}, NIP {PERSONAL['nip']} "
    f"(bendahara NIP {PERSONAL['nip_spaced']}), NIK {PERSONAL['nik']}, NPWP {PERSONAL['npwp']}, "
    f"NPWP baru {PERSONAL['npwp16']}, rekening BRI {PERSONAL['account']}. Telepon {PERSONAL['mobile']} atau "
    f"{PERSONAL['mobile62']} atau kantor {PERSONAL['landline']}, surel lain {PERSONAL['email']}. Atasan saya "
    f"Bapak {PERSONAL['honorific']}. Tiket lama {PERSONAL['reference']}, tautan "
    f"https://hai.example.go.id/status/{PERSONAL['reference']}?t={PERSONAL['token']}. Akun SAKTI saya terkunci."
)
REPLY = (
    "Ibu Rahmawati, akun SAKTI sudah kami buka kembali melalui menu Manajemen User. "
    f"Bila terkunci lagi hubungi 081398765432. Salam, {PERSONAL['staff']}"
)
NOTE = "CATATANINTERNAL jangan dibagikan"


@pytest.fixture
def app(make_app, kb_copy, tmp_path):
    """The FAQ back office on a private kb/ copy, on Friday 27 November 2026, 15.00 WIB."""
    return make_app(KB_PATH=str(kb_copy), KB_INDEX_PATH=str(tmp_path / "index"), NOW=FRIDAY_3PM)


def _client(app, email, role="agen", units=(UNIT,), name="Petugas Uji"):
    add_staff(app, email=email, role=role, units=units, name=name)
    client = app.test_client()
    assert client.post("/staf/masuk", data={"email": email, "password": "kata-sandi-rahasia-1"}).status_code == 303
    return client


def _resolved_ticket(app, agent, code="CRSM.01", resolve=True) -> str:
    subject = f"SAKTI terkunci NIP {PERSONAL['nip']}"
    ref = new_ticket(app, code=code, nama=PERSONAL["requester"], email=PERSONAL["address"], subjek=subject,
                     detail=DETAIL)  # fmt: skip
    assert agent.post(f"/staf/tiket/{ref}/pesan", data={"jenis": "balasan", "re-body": REPLY}).status_code == 303
    assert agent.post(f"/staf/tiket/{ref}/pesan", data={"jenis": "catatan", "no-body": NOTE}).status_code == 303
    if resolve:
        with app.app_context():
            ticket = db.session.scalars(select(Ticket).where(Ticket.reference == ref)).one()
            ticket.status = TicketStatus.RESOLVED
            db.session.commit()
    return ref


def _stored_text(app) -> str:
    with app.app_context():
        articles = db.session.scalars(select(FaqArticle).join(FaqTicketSource)).all()
        revisions = db.session.scalars(select(FaqRevision).where(FaqRevision.article_id.in_([a.id for a in articles])))
        parts = [f"{a.slug} {a.title} {a.body} {a.tags} {a.synonyms}" for a in articles]
        return "\n".join(parts + [f"{r.title} {r.body} {r.note}" for r in revisions])


def _main(html: str) -> str:
    """The page's own content (the header names the signed-in staff member, who is no leak)."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _assert_clean(text: str) -> None:
    for kind, value in PERSONAL.items():
        assert value.lower() not in text.lower(), kind
        if sum(c.isdigit() for c in value) >= 6:  # also not with other separators
            assert _digits(value) not in _digits(text.replace(" ", "")) or kind == "satker", kind
    assert "Rahmawati" not in text and "Sulastri" not in text and "081398765432" not in text
    assert "CATATANINTERNAL" not in text


def test_a_ticket_full_of_personal_data_becomes_a_clean_draft(app):
    agent = _client(app, "sulastri@kemenkeu.go.id", name=PERSONAL["staff"])
    ref = _resolved_ticket(app, agent)
    assert "Jadikan FAQ" in agent.get(f"/staf/tiket/{ref}").get_data(as_text=True)
    response = agent.post(f"/staf/tiket/{ref}/jadikan-faq")
    assert response.status_code == 303 and "/staf/faq/" in response.headers["Location"]
    editor = agent.get(response.headers["Location"]).get_data(as_text=True)
    stored = _stored_text(app)
    # The answer itself is kept, with placeholders where the people and their numbers were.
    assert "akun SAKTI sudah kami buka kembali" in stored and "Akun SAKTI saya terkunci" in stored
    for placeholder in ("[nama]", "[surel]", "[telepon]", "[NIP]", "[NIK]", "[NPWP]", "[nomor rekening]",
                        "[kode satker]", "[nomor tiket]", "[tautan]"):  # fmt: skip
        assert placeholder in stored, placeholder
    _assert_clean(stored)
    # The editor opens on the draft with a link back to its ticket; its form holds nothing personal.
    assert f"/staf/tiket/{ref}" in editor
    _assert_clean(_main(editor).replace(ref, ""))
    with app.app_context():
        article = db.session.scalars(select(FaqArticle).join(FaqTicketSource)).one()
        slug, body, title = article.slug, article.body, article.title
        assert article.status == "draft" and article.code == "CRSM.01" and article.published_revision is None
    data = {"title": title, "codes": "CRSM.01", "body": body, "note": "x", "preview": "1"}
    preview = agent.post(f"/staf/faq/{slug}", data=data).get_data(as_text=True)
    assert "Pratinjau" in preview
    _assert_clean(_main(preview).replace(ref, ""))
    # A draft: not on the public site.
    assert app.test_client().get(f"/faq/CRSM.01/{slug}").status_code == 404
    [entry] = [e for e in _audit(app) if e.action == "faq.from_ticket"]
    assert entry.after == {"tiket": ref}


def _audit(app):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry)))


def test_pressing_twice_makes_one_draft(app):
    agent = _client(app, "sulastri@kemenkeu.go.id")
    ref = _resolved_ticket(app, agent)
    first = agent.post(f"/staf/tiket/{ref}/jadikan-faq")
    second = agent.post(f"/staf/tiket/{ref}/jadikan-faq")
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert len(db.session.scalars(select(FaqTicketSource)).all()) == 1
        assert len(db.session.scalars(select(FaqArticle).join(FaqTicketSource)).all()) == 1
    page = agent.get(f"/staf/tiket/{ref}").get_data(as_text=True)
    assert "sudah dijadikan artikel FAQ" in page and f'action="/staf/tiket/{ref}/jadikan-faq"' not in page


def test_only_a_resolved_ticket_of_the_own_unit(app):
    agent = _client(app, "sulastri@kemenkeu.go.id")
    other = _client(app, "sekretariat@kemenkeu.go.id", units=("Sekretariat DJPb",))
    open_ref = _resolved_ticket(app, agent, resolve=False)
    assert "Jadikan FAQ" not in agent.get(f"/staf/tiket/{open_ref}").get_data(as_text=True)
    page = agent.post(f"/staf/tiket/{open_ref}/jadikan-faq", follow_redirects=True).get_data(as_text=True)
    assert "sudah selesai" in page
    ref = _resolved_ticket(app, agent)
    assert other.post(f"/staf/tiket/{ref}/jadikan-faq").status_code == 404  # not their ticket
    with app.app_context():
        assert db.session.scalars(select(FaqTicketSource)).all() == []


def test_a_siap_code_is_never_made_an_faq(app):
    agent = _client(app, "sekretariat@kemenkeu.go.id", units=("Sekretariat DJPb",))  # owns WBSM.01
    sitp = _client(app, "sulastri@kemenkeu.go.id")
    ref = _resolved_ticket(app, sitp)
    with app.app_context():  # a help-desk ticket re-coded WBSM.01, as if filed before SIAP existed
        t = db.session.scalars(select(Ticket).where(Ticket.reference == ref)).one()
        t.code = t.service_code = "WBSM.01"
        t.owner_unit = "Sekretariat DJPb"
        db.session.commit()
    assert "Jadikan FAQ" not in agent.get(f"/staf/tiket/{ref}").get_data(as_text=True)
    page = agent.post(f"/staf/tiket/{ref}/jadikan-faq", follow_redirects=True).get_data(as_text=True)
    assert "SIAP tidak pernah dijadikan FAQ" in page
    assert agent.post("/staf/tiket/SIAP-ABCDEFGH/jadikan-faq").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(FaqTicketSource)).all() == []


def test_faq_authoring_never_reads_siap_or_tickets():
    for path in sorted((ROOT / "portal" / "faq").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith(("portal.siap", "portal.tickets")), path.name


def test_only_public_staff_replies_reach_the_draft(app):
    agent = _client(app, "sulastri@kemenkeu.go.id")
    ref = _resolved_ticket(app, agent)
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == ref)).one()
        events = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == t.id))
        kinds = {(e.kind, e.public) for e in events}
        assert ("catatan", False) in kinds
    agent.post(f"/staf/tiket/{ref}/jadikan-faq")
    assert "CATATANINTERNAL" not in _stored_text(app)


def test_a_concurrent_second_press_opens_the_first_draft(app, monkeypatch):
    from portal.faq import from_ticket

    agent = _client(app, "sulastri@kemenkeu.go.id")
    ref = _resolved_ticket(app, agent)
    first = agent.post(f"/staf/tiket/{ref}/jadikan-faq")
    real, calls = from_ticket.draft_of, []

    def not_yet_committed(session, reference):  # the second request looked before the first committed
        calls.append(reference)
        return None if len(calls) == 1 else real(session, reference)

    monkeypatch.setattr(from_ticket, "draft_of", not_yet_committed)
    second = agent.post(f"/staf/tiket/{ref}/jadikan-faq")
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert len(db.session.scalars(select(FaqArticle).join(FaqTicketSource)).all()) == 1
        assert len(db.session.scalars(select(FaqArticle).where(FaqArticle.title.like("SAKTI terkunci%"))).all()) == 1
