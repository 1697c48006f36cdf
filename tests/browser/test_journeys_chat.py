"""Web chat in real browsers, two pages at once: a visitor and an agent talk, the transcript becomes a
ticket; when nobody can answer the visitor's text goes into a ticket; without JavaScript the page is
a request form (#23).

Every step goes through ``Journey.check`` (screenshot, no sideways scrolling, no console error, no
serious or critical axe finding) at 375 px, the phone width the issue names.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.chat.models import Chat
from portal.extensions import db
from portal.tickets.models import Ticket
from tests.browser.records import create_account
from tests.browser.test_journeys import heading, sign_in, start

WIB = ZoneInfo("Asia/Jakarta")
MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)
SATURDAY_10AM = datetime(2026, 11, 28, 10, 0, tzinfo=WIB)
WIDTH = 375


@pytest.fixture(autouse=True)
def working_monday(site):
    """The portal's clock on a working Monday morning; polls every second."""
    site.app.config.update(NOW=MONDAY_10AM, CHAT_POLL_SECONDS=1)
    yield
    site.app.config.update(NOW=None)


@pytest.fixture(scope="module")
def agent_email(site) -> str:
    """An agent of the help desk's unit."""
    email = "agus.chat@kemenkeu.go.id"
    create_account(site, email=email, role="agen", units=("Direktorat SITP",), name="Agus Petugas")
    return email


def ticket_of(site, reference: str) -> Ticket:
    with site.app.app_context():
        ticket = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        db.session.expunge(ticket)
        db.session.remove()
        return ticket


def set_available(page, site, available: bool) -> None:
    page.goto(site.url("/staf/chat"))
    page.get_by_label("Tersedia" if available else "Istirahat", exact=True).check()
    page.get_by_role("button", name="Simpan status").click()
    page.wait_for_url(site.url("/staf/chat"))


def fill_visitor(page, name: str, email: str, text: str) -> None:
    page.get_by_label("Nama").fill(name)
    page.get_by_label("Alamat e-mail").fill(email)
    page.get_by_label("Pertanyaan Anda").fill(text)


def test_visitor_and_agent_exchange_messages_and_the_transcript_becomes_a_ticket(site, new_page, agent_email):
    a = start(new_page, "chat-petugas", WIDTH)
    sign_in(a.page, site, agent_email)
    set_available(a.page, site, True)
    a.check("antrean-kosong")

    v = start(new_page, "chat-pengunjung", WIDTH)
    v.page.goto(site.url("/chat"))
    fill_visitor(v.page, "Rina Satker", "rina.chat@satker.go.id", "Bagaimana cara membatalkan SP2D?")
    v.check("formulir")
    v.page.get_by_role("button", name="Mulai obrolan").click()
    v.page.wait_for_url(site.url("/chat"))
    v.page.get_by_text("Menunggu petugas menerima obrolan Anda").wait_for()
    v.check("menunggu")

    # The agent's queue refreshes itself; the waiting visitor appears with the time waited.
    a.page.get_by_role("button", name="Terima obrolan Rina Satker").click()
    a.page.wait_for_url(re.compile(r".*/staf/chat/\d+$"))
    a.check("obrolan")
    v.page.get_by_text("Anda terhubung dengan Agus Petugas.").wait_for()

    a.page.get_by_label("Balasan").fill("Selamat pagi, <b>Bu Rina</b>. Nomor SP2D-nya berapa?")
    a.page.get_by_role("button", name="Kirim", exact=True).click()
    v.page.locator("#percakapan").get_by_text("Nomor SP2D-nya berapa?").wait_for()
    v.page.get_by_label("Pesan").fill("Nomor 261234")
    v.page.get_by_role("button", name="Kirim", exact=True).click()
    a.page.locator("#percakapan").get_by_text("Nomor 261234").wait_for()
    assert v.page.locator("#percakapan b").count() == 0  # the agent's text arrived as text
    v.check("bercakap")

    a.page.get_by_role("button", name="Akhiri obrolan dan simpan transkrip").click()
    reference = a.page.locator("[data-ticket]").inner_text()
    v.page.get_by_text(f"tersimpan sebagai tiket {reference}").wait_for()
    v.check("selesai")
    ticket = ticket_of(site, reference)
    assert ticket.channel == "web_chat" and ticket.requester_email == "rina.chat@satker.go.id"
    assert "Nomor 261234" in ticket.detail and "Nomor SP2D-nya berapa?" in ticket.detail
    set_available(a.page, site, False)


def test_when_nobody_can_answer_the_typed_text_becomes_a_request(site, new_page, agent_email):
    a = start(new_page, "chat-petugas-pergi", WIDTH)
    sign_in(a.page, site, agent_email)
    set_available(a.page, site, True)
    v = start(new_page, "chat-tutup", WIDTH)
    v.page.goto(site.url("/chat"))
    text = "Mohon info jadwal rekonsiliasi bulan ini."
    fill_visitor(v.page, "Budi", "budi.chat@satker.go.id", text)
    site.app.config["NOW"] = SATURDAY_10AM  # the desk closed while the visitor typed
    v.page.get_by_role("button", name="Mulai obrolan").click()
    v.page.get_by_text("buka kembali Senin, 30 November 2026 pukul 08.00 WIB").wait_for()
    assert v.page.get_by_label("Pertanyaan Anda").input_value() == text  # nothing lost
    v.check("di-luar-jam")
    v.page.get_by_role("button", name="Kirim sebagai permintaan").click()
    v.page.wait_for_url(re.compile(r".*/status/HAI-\d{4}-\w{8}\?baru=1$"))
    reference = re.search(r"/status/([^?]+)", v.page.url).group(1)
    ticket = ticket_of(site, reference)
    assert ticket.channel == "web_chat" and text in ticket.detail
    # Reloaded outside hours, the page names the opening and offers only the form.
    v.page.goto(site.url("/chat"))
    assert "Senin, 30 November 2026 pukul 08.00 WIB" in v.page.locator("#status-obrolan").inner_text()
    assert v.page.get_by_role("button", name="Mulai obrolan").count() == 0
    v.check("di-luar-jam-muat-ulang")
    site.app.config["NOW"] = MONDAY_10AM
    set_available(a.page, site, False)


def test_without_javascript_the_chat_page_makes_a_ticket(site, new_page, agent_email):
    a = start(new_page, "chat-petugas-nojs", WIDTH)
    sign_in(a.page, site, agent_email)
    set_available(a.page, site, True)  # an agent is free, but a page without scripts cannot chat
    v = start(new_page, "chat-tanpa-js", WIDTH, javascript=False)
    v.page.goto(site.url("/chat"))
    assert heading(v.page) == "Web Chat HAI-DJPb"
    assert not v.page.get_by_role("button", name="Mulai obrolan").is_visible()
    fill_visitor(v.page, "Sari", "sari.chat@satker.go.id", "Bagaimana mengubah data supplier?")
    v.page.get_by_role("button", name="Kirim sebagai permintaan").click()
    v.page.wait_for_url(re.compile(r".*/status/HAI-\d{4}-\w{8}\?baru=1$"))
    reference = re.search(r"/status/([^?]+)", v.page.url).group(1)
    ticket = ticket_of(site, reference)
    assert ticket.channel == "web_chat" and "mengubah data supplier" in ticket.detail
    with site.app.app_context():
        assert db.session.scalars(select(Chat.state).where(Chat.ticket_reference == reference)).one() == "berakhir"
        db.session.remove()
    set_available(a.page, site, False)
