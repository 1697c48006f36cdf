"""Submitting requests: eligibility, due time, e-mail, attachments, references."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Attachment, Ticket
from tests.conftest import outbox
from tests.tickets.conftest import WIB, thread_url

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def tickets(app):
    with app.app_context():
        return db.session.scalars(select(Ticket)).all()


def test_submission_shows_reference_and_due_time(app, submit, client):
    url = thread_url(submit())
    page = client.get(url).get_data(as_text=True)
    reference = re.search(r"data-reference>([^<]+)<", page).group(1)
    assert re.fullmatch(r"HAI-2611-[0-9A-HJKMNP-TV-Z]{8}", reference)
    # Friday 15.00 + 32 working hours (BCSM.02: 24 s.d. 32, the upper bound) → Thursday 15.00.
    assert "Kamis, 3 Desember 2026 pukul 15.00 WIB" in page
    [ticket] = tickets(app)
    assert (ticket.code, ticket.service_code, ticket.owner_unit) == ("BCSM.02.01", "BCSM.02", "Direktorat Teknis DJPb")
    assert ticket.catalog_version == "2023.0" and ticket.channel == "portal" and ticket.user_type == 1
    assert ticket.data == {"nama_satker": "Satker Uji", "kode_satker": "123456"}


def test_confirmation_email(app, submit):
    submit()
    [message] = outbox(app)
    [ticket] = tickets(app)
    body = message.get_content()
    assert message["To"] == "budi@satker.go.id"
    assert ticket.reference in message["Subject"]
    assert "Perkiraan selesai: Kamis, 3 Desember 2026 pukul 15.00 WIB" in body
    assert "Diterima: Jumat, 27 November 2026 pukul 15.00 WIB" in body
    link = re.search(r"http://localhost/status/\S+", body).group(0)
    assert f"/status/{ticket.reference}?t=" in link


def test_blu_subscope_goes_to_its_blu(app, submit):
    thread_url(submit(code="BCSM.04.02"))
    assert tickets(app)[0].owner_unit == "BPDLH"


def test_staff_closure_moves_the_due_time(app, submit):
    from portal.notices.service import set_override

    with app.app_context():
        set_override(db.session, date(2026, 11, 30), False, "Pemeliharaan sistem")
    app.extensions["calendar_cache"].invalidate()
    thread_url(submit())
    due = tickets(app)[0].due_at
    # Monday closed: Friday 15.00 + 32 h → Friday 4 December 15.00.
    assert due.astimezone(WIB).date() == date(2026, 12, 4)


MATRIX_CODES = [
    "BCSM.01",
    "BCSM.02",
    "BCSM.03",
    "BCSM.04",
    "ITSM.01",
    "ITSM.02",
    "ITSM.03",
    "ITSM.04",
    "MSSM.01",
    "BMSM.01",
    "WBSM.01",
    "CRSM.01",
]


@pytest.mark.parametrize("code", MATRIX_CODES)
def test_eligibility_for_every_user_type(app, submit, catalog_data, code):
    from portal.catalog.service import only_internal

    catalog = app.extensions["catalog"]
    if code == "BCSM.04":
        code = "BCSM.04.01"  # each BLU sub-scope has its own unit: requests name the sub-scope
    service = catalog.service_of(code)
    for user_type in range(1, 12):
        response = submit(code=code, pengguna=str(user_type))
        open_ = catalog_data["matrix"]["rows"][code[:7]].split()[user_type - 1] == "o"
        if code == "WBSM.01":
            assert response.status_code == 303 and response.headers["Location"].endswith("/siap"), user_type
        elif not open_:
            assert response.status_code == 422, (code, user_type)
            assert "tidak tersedia untuk jenis pengguna ini" in response.get_data(as_text=True)
        elif only_internal(catalog, service):
            assert response.status_code == 303 and "/staf/masuk" in response.headers["Location"], (code, user_type)
        else:
            assert response.status_code == 303 and "/status/" in response.headers["Location"], (code, user_type)


def test_internal_only_service_with_internal_account(app, client, submit, make_user, login):
    make_user(email="kasubdit@kemenkeu.go.id", role="pengguna", units=(), user_type=8)
    login(email="kasubdit@kemenkeu.go.id")
    assert client.get("/permintaan/ITSM.04/pembuatan-tiket").status_code == 200
    assert "/status/" in thread_url(submit(code="ITSM.04", pengguna="8"))
    # The account is type 8: claiming type 9 is refused.
    assert submit(code="ITSM.04", pengguna="9").status_code == 422
    assert tickets(app)[0].requester_user_id is not None


def test_request_type_limited_to_kantor_pusat(app, submit):
    response = submit(code="CRSM.01", type_key="development-aplikasi", pengguna="1")
    assert response.status_code == 422
    assert "hanya dapat diajukan oleh jenis pengguna tertentu" in response.get_data(as_text=True)


def _file(name, content):
    return (io.BytesIO(content), name)


def test_attachment_is_stored_outside_static_with_a_safe_name(app, submit):
    url = thread_url(submit(lampiran=[_file("../../etc/passwd laporan.pdf", PDF)]))
    with app.app_context():
        [attachment] = db.session.scalars(select(Attachment)).all()
        assert attachment.filename == "etc_passwd_laporan.pdf"
        assert attachment.mimetype == "application/pdf"
        stored = Path(app.instance_path) / "uploads" / "tickets" / attachment.stored_name
        assert stored.read_bytes() == PDF
        assert "static" not in stored.parts
    assert url


def test_wrong_type_under_pdf_name_is_refused_and_input_kept(app, submit):
    response = submit(lampiran=[_file("laporan.pdf", b"MZ\x90\x00 this is an exe")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "bukan PDF, PNG, JPEG, XLSX, atau DOCX" in page
    assert 'value="Pembatalan SP2D gaji"' in page and "rekening yang salah" in page
    assert tickets(app) == []


def test_too_big_and_too_many_attachments(app, submit):
    big = submit(lampiran=[_file("besar.pdf", PDF + b"0" * 3000)])
    assert big.status_code == 422 and "lebih dari" in big.get_data(as_text=True)
    many = submit(lampiran=[_file(f"a{i}.pdf", PDF) for i in range(3)])
    assert many.status_code == 422 and "Maksimal 2 lampiran" in many.get_data(as_text=True)
    assert 'value="budi@satker.go.id"' in many.get_data(as_text=True)
    assert tickets(app) == []


def test_office_documents_are_recognised_by_content(app, submit):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
    thread_url(submit(lampiran=[_file("surat.bin", buffer.getvalue())]))
    with app.app_context():
        assert db.session.scalars(select(Attachment)).one().filename == "surat.docx"


def test_references_are_unique_and_not_sequential(app):
    from datetime import UTC, datetime

    from portal.tickets.service import ALPHABET, new_reference

    refs = [new_reference(datetime(2026, 11, 27, tzinfo=UTC), UTC) for _ in range(2000)]
    assert len(set(refs)) == len(refs)
    tails = [r.rsplit("-", 1)[1] for r in refs]
    assert all(set(t) <= set(ALPHABET) and len(t) == 8 for t in tails)
    assert not set("ILOU") & set("".join(tails))
    numbers = [int("".join(str(ALPHABET.index(ch)).zfill(2) for ch in t)) for t in tails[:50]]
    assert sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b - a == 1) == 0


def test_suggestions_without_javascript_keep_the_input(app, client, valid):
    response = client.post(
        "/permintaan/ITSM.01.04/pembuatan-tiket", data={**valid, "subjek": "lupa password SAKTI", "aksi": "saran"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Artikel yang mungkin menjawab" in page
    assert 'value="lupa password SAKTI"' in page
    assert tickets(app) == []


def test_opening_a_suggestion_is_counted(app, client):
    from portal.tickets.models import SuggestionOpened

    article = app.extensions["kb"].for_code("CRSM.01")[0]
    response = client.get(f"/permintaan/CRSM.01/saran?artikel={article.slug}")
    assert response.headers["Location"].endswith(f"/faq/{article.folder}/{article.slug}")
    with app.app_context():
        row = db.session.scalars(select(SuggestionOpened)).one()
        assert (row.code, row.slug, row.count) == ("CRSM.01", article.slug, 1)
    assert client.get("/permintaan/CRSM.01/saran?artikel=tidak-ada").status_code == 404


def test_blu_service_asks_for_a_subscope(app, client, submit):
    page = client.get("/permintaan/BCSM.04").get_data(as_text=True)
    assert "Pilih sub-lingkup layanan" in page and 'href="/permintaan/BCSM.04.02"' in page
    assert client.get("/permintaan/BCSM.04/pembuatan-tiket").status_code == 404


def test_complaints_go_to_siap_and_never_become_tickets(app, client):
    assert client.get("/permintaan/WBSM.01").headers["Location"].endswith("/siap")
    assert client.get("/permintaan/WBSM.01/pembuatan-tiket").headers["Location"].endswith("/siap")
    assert tickets(app) == []
