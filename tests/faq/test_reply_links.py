"""FAQ links in the staff reply box (#16 item 4b): search, insert, nothing typed lost, no draft offered."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket, TicketEvent
from tests.faq.test_from_ticket import _client
from tests.staff.conftest import FRIDAY_3PM, new_ticket

ARTICLE = "reset-password-dan-manajemen-user-aplikasi"
TITLE = "Bagaimana mengajukan reset password atau permintaan akun pengguna aplikasi?"
TYPED = "Baik, akun Anda kami proses.\nBaris kedua yang sudah saya ketik."
WORD = "zebrakuning"


@pytest.fixture
def app(make_app, kb_copy, tmp_path):
    """The back office on a private kb/ copy (publishing rebuilds the index), Friday 15.00 WIB."""
    return make_app(KB_PATH=str(kb_copy), KB_INDEX_PATH=str(tmp_path / "index"), NOW=FRIDAY_3PM)


def _post(agent, ref, **data):
    return agent.post(f"/staf/tiket/{ref}/pesan", data={"jenis": "balasan", "re-body": TYPED, **data})


def _events(app, ref) -> int:
    with app.app_context():
        ticket = db.session.scalars(select(Ticket).where(Ticket.reference == ref)).one()
        return len(db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).all())


def test_search_then_insert_keeps_the_typed_reply_and_sends_nothing(app):
    agent = _client(app, "agen.sitp@kemenkeu.go.id")
    ref = new_ticket(app)
    before = _events(app, ref)
    page = _post(agent, ref, faq_q="reset password sakti", faq_cari="1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and html.escape(TYPED) in text  # the reply box still holds the text
    assert f'name="faq_sisip" value="{ARTICLE}"' in text and html.escape(TITLE) in text
    inserted = _post(agent, ref, faq_q="reset password sakti", faq_sisip=ARTICLE).get_data(as_text=True)
    expected = f"{TYPED}\n\n{TITLE}: http://localhost/faq/CRSM.01/{ARTICLE}"
    assert html.escape(expected) in inserted
    assert 'value="reset password sakti"' in inserted  # the search stays too
    assert _events(app, ref) == before  # neither searching nor inserting sent the reply
    # Sending it afterwards sends the text with the link, once.
    assert agent.post(f"/staf/tiket/{ref}/pesan", data={"jenis": "balasan", "re-body": expected}).status_code == 303
    assert _events(app, ref) == before + 1


def test_the_search_field_is_before_the_send_button():
    # Enter in the search field presses the form's first button: it must search, not send the reply.
    from pathlib import Path

    template = (Path(__file__).resolve().parents[2] / "templates" / "staff" / "ticket.html").read_text()
    reply = template.split('name="jenis" value="balasan"', 1)[1].split("</form>", 1)[0]
    assert reply.index('name="faq_cari"') < reply.index("Kirim balasan")
    assert reply.index('name="faq_q"') < reply.index('name="faq_cari"')


def test_drafts_are_never_offered_nor_inserted(app):
    writer = _client(app, "penulis.sitp@kemenkeu.go.id")
    draft = {"slug": "draf-zebra", "title": f"Draf {WORD}", "codes": "CRSM.01", "body": f"Isi {WORD}.",
             "note": "baru", "save": "1"}  # fmt: skip
    assert writer.post("/staf/faq/baru", data=draft).status_code == 303
    ref = new_ticket(app)
    found = _post(writer, ref, faq_q=WORD, faq_cari="1").get_data(as_text=True)
    assert "draf-zebra" not in found and "Tidak ada artikel terbit yang cocok" in found
    refused = _post(writer, ref, faq_sisip="draf-zebra").get_data(as_text=True)
    assert "/faq/CRSM.01/draf-zebra" not in refused and "tidak (lagi) terbit" in refused
    assert html.escape(TYPED) in refused


def test_a_redrafted_article_links_with_its_published_title(app):
    writer = _client(app, "penulis.sitp@kemenkeu.go.id")
    page = writer.get(f"/staf/faq/{ARTICLE}")
    assert page.status_code == 200
    redraft = {"title": f"Judul draf {WORD}", "codes": "CRSM.01", "body": "Isi draf.", "note": "ubah", "save": "1"}
    assert writer.post(f"/staf/faq/{ARTICLE}", data=redraft).status_code == 303
    ref = new_ticket(app)
    inserted = _post(writer, ref, faq_sisip=ARTICLE).get_data(as_text=True)
    assert html.escape(TITLE) in inserted and WORD not in inserted
