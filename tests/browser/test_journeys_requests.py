"""Requesters in a real browser: send a request with an attachment, by mouse and by keyboard, and
answer in the thread opened from the private link of the confirmation letter.

Every step goes through ``Journey.check`` (screenshot, no sideways scrolling, no console error, no
serious or critical axe finding); every journey ends by reading the database and the outbox.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.records import (
    DUE_TEXT,
    REFERENCE,
    create_ticket,
    letters,
    private_link,
    stored_ticket,
    tiny_png,
)
from tests.browser.support import url_ending
from tests.browser.test_journeys import WIDTHS, heading, start, tab_to

CODE = "BCSM.02.01"  # Konsultasi Teknis Pelaksanaan Anggaran: open to user type 1 without signing in
FORM = f"/permintaan/{CODE}/pembuatan-tiket"
# The page after a submission: the browser holds a grant, the address no token (issue 13, T2).
RECEIVED = re.compile(r".*/status/HAI-[^?]+\?baru=1$")
SUBJECT = "Pembatalan SP2D gaji bulan ini"
DETAIL = "SP2D terbit dengan nomor rekening yang salah. Bagaimana cara membatalkannya?"


def attachment(tmp_path) -> tuple:
    """Write the small PNG the requester attaches; return its path and content."""
    content = tiny_png()
    path = tmp_path / "bukti transfer.png"
    path.write_bytes(content)
    return path, content


def received(site, page, email: str) -> str:
    """Check the confirmation the status page shows against the database and the letter; return the reference."""
    assert heading(page) == "Permintaan Anda telah diterima"
    reference = page.locator("[data-reference]").inner_text().strip()
    assert REFERENCE.match(reference), reference
    assert f"/status/{reference}?" in page.url
    due = page.locator("[data-due]").inner_text().strip()
    assert DUE_TEXT.match(due), f"the due time is not written the Indonesian way: {due!r}"
    stored = stored_ticket(site, reference)
    assert due == stored.due_text, "the page must show the due time the database holds"
    assert stored.hours_to_due == pytest.approx(stored.norm_hours), "due = received + the norma waktu in working hours"
    assert stored.due_on_working_day
    assert stored.status == "baru"
    [letter] = letters(site, email, reference)
    assert f"Perkiraan selesai: {due}" in letter.get_content()
    assert "t" not in parse_qs(urlsplit(page.url).query), "the page after a submission carries no token"
    link = urlsplit(private_link(letter))
    assert link.path == f"/status/{reference}" and parse_qs(link.query)["t"], "the letter links to this thread"
    return reference


@pytest.mark.parametrize("width", WIDTHS)
def test_request_with_attachment_shows_reference_and_due_time(site, new_page, width, tmp_path):
    """Service page → "Ajukan permintaan" → the form, filled in and sent with a PNG → reference and due time."""
    path, content = attachment(tmp_path)
    email = f"budi.{width}@satker.go.id"
    j = start(new_page, "permintaan", width)
    page = j.page
    page.goto(site.url(f"/layanan/{CODE}"))
    page.get_by_role("link", name="Ajukan permintaan layanan", exact=True).click()
    assert heading(page).startswith(f"Ajukan permintaan: {CODE}")
    j.check("pilih-jenis")

    page.locator(f"a[href$='{FORM}']").click()
    expect(page).to_have_url(url_ending(FORM))
    j.check("formulir")

    page.locator("#pengguna").select_option("1")
    page.locator("#nama").fill("Budi Santoso")
    page.locator("#email").fill(email)
    page.locator("#kode_satker").fill("123 456")
    page.locator("#subjek").fill(SUBJECT)
    page.locator("#detail").fill(DETAIL)
    page.locator("#lampiran").set_input_files(path)
    j.check("terisi")
    page.get_by_role("button", name="Kirim permintaan").click()
    page.wait_for_url(RECEIVED)
    reference = received(site, page, email)
    assert page.locator("ol.thread .files a").all_inner_texts() == ["bukti_transfer.png"]
    j.check("diterima")

    stored = stored_ticket(site, reference)
    assert stored.attachments == [("bukti_transfer.png", "image/png", content)]
    assert [e[:2] for e in stored.events] == [("dibuat", "pengguna")]


def open_by_keyboard(page, choosers: list):
    """Open the focused file input's chooser with Space, or Enter if Space did not; return the chooser.

    Chromium opens it on Space's key-up only while the input is still :active, and a synthetic mouse
    move after the page scrolled can clear that state between key-down and key-up on a loaded
    machine (CI failed once this way); Enter clicks unconditionally. Either key is a keyboard user's.
    """
    for key in ("Space", "Enter"):
        page.keyboard.press(key)
        for _ in range(50):
            if choosers:
                return choosers.pop()
            page.wait_for_timeout(100)
    pytest.fail("neither Space nor Enter opened the file chooser of the focused input")


@pytest.mark.parametrize("width", WIDTHS)
def test_request_form_by_keyboard_only(site, new_page, width, tmp_path):
    """Tab, typing, Space and Enter only: every field, the file chooser and the send button; focus always visible."""
    path, content = attachment(tmp_path)
    email = f"rina.{width}@satker.go.id"
    j = start(new_page, "permintaan-keyboard", width)
    page = j.page
    # Playwright turns on file-chooser interception with a message it does not wait for: listening
    # from the start has it on long before the key is pressed (expect_file_chooser alone can race it).
    choosers: list = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.goto(site.url(FORM))
    j.check("formulir")

    unseen = tab_to(page, "#pengguna")
    page.keyboard.type("1")  # a closed select picks the first option starting with what is typed
    assert page.locator("#pengguna").input_value() == "1"
    for selector, text in [("#nama", "Rina Kusuma"), ("#email", email), ("#kode_satker", "654321")]:
        unseen += tab_to(page, selector)
        page.keyboard.type(text)
    unseen += tab_to(page, "#subjek")
    page.keyboard.type(SUBJECT)
    unseen += tab_to(page, "#detail")  # past the suggestions and "Cari jawaban untuk subjek ini dulu"
    page.keyboard.type(DETAIL)
    unseen += tab_to(page, "#lampiran")
    open_by_keyboard(page, choosers).set_files(path)
    unseen += tab_to(page, "button[value=kirim]")
    j.check("terisi")
    page.keyboard.press("Enter")
    page.wait_for_url(RECEIVED)
    reference = received(site, page, email)
    j.check("diterima")
    assert not unseen, "focus must be visible:\n" + "\n".join(dict.fromkeys(unseen))

    stored = stored_ticket(site, reference)
    assert stored.attachments == [("bukti_transfer.png", "image/png", content)]


@pytest.mark.parametrize("width", WIDTHS)
def test_private_link_opens_the_thread_and_takes_a_reply(site, new_page, width):
    """The link in the confirmation letter opens the thread in a new browser; the reply lands in it and the database."""
    email = f"sari.{width}@kppn.go.id"
    reference = create_ticket(site, code=CODE, email=email, subject=SUBJECT, detail=DETAIL)
    [letter] = letters(site, email, reference)
    link = private_link(letter)
    assert link.startswith(site.url(f"/status/{reference}?t="))

    stranger, _ = new_page(width)
    without_token = stranger.request.get(site.url(f"/status/{reference}"))
    assert without_token.status == 403 and DETAIL not in without_token.text(), "the thread needs the private link"

    j = start(new_page, "tautan-pribadi", width)
    page = j.page
    page.goto(link)
    # The token was traded for a grant: the address bar (and history) no longer holds it.
    expect(page).to_have_url(site.url(f"/status/{reference}"))
    assert heading(page) == f"Tiket {reference}"
    expect(page.get_by_text(DETAIL)).to_be_visible()
    assert page.locator("[data-summary] [data-status]").get_attribute("data-status") == "baru"
    j.check("percakapan")

    reply = f"Nomor SP2D yang dimaksud 2611{width}. Lampiran menyusul."
    assert page.locator("[data-progress] [aria-current=step]").inner_text() == "Diterima"
    page.locator("[data-reply] summary").click()  # folded: the next step is the desk's
    page.get_by_label("Pesan").fill(reply)
    page.get_by_role("button", name="Kirim balasan").click()
    page.wait_for_url(re.compile(rf".*/status/{reference}#percakapan$"))  # the session now holds the grant
    expect(page.get_by_role("status").get_by_text("Pesan Anda telah dikirim.")).to_be_visible()
    mine = page.locator("ol.thread > li.event-pesan.by-pengguna")
    assert mine.count() == 1 and reply in mine.inner_text()
    j.check("terkirim")

    stored = stored_ticket(site, reference)
    assert stored.events[-1] == ("pesan", "pengguna", True, reply)
    assert stored.status == "baru"


def test_enter_in_the_subject_lands_on_the_suggested_answers(site, new_page):
    """Enter in a field sends the form's first button, "Cari jawaban…": the page must come back
    where the answers are, not at its top (on a 375 px phone they were 1,500 px down)."""
    page, _problems = new_page(375, javascript=False)  # the form's own behaviour, without suggest.js
    page.goto(site.url(FORM))
    page.get_by_label("Subjek").fill("pembatalan SP2D")
    page.get_by_label("Subjek").press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(url_ending("#saran"))
    suggestions = page.locator("#saran")
    assert suggestions.locator("li").count() > 0
    box, height = suggestions.bounding_box(), page.viewport_size["height"]
    assert box is not None and -2 <= box["y"] < height, f"off screen: {box}"  # scrolled to, within a subpixel
