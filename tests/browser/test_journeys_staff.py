"""A help-desk agent in a real browser: sign in, find the ticket in the unit's queue, reply, resolve.

The ticket is filed through the service layer for CRSM.01 (Direktorat SITP), the agent's unit. Every
step goes through ``Journey.check``; the journey ends by reading the ticket's status and events from
the database and the letters the requester received from the outbox.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.records import PASSWORD, create_account, create_ticket, letters, private_link, stored_ticket
from tests.browser.test_journeys import WIDTHS, heading, sign_in, start

CODE = "CRSM.01"  # Permintaan dan/atau Perubahan Layanan, answered by Direktorat SITP
AGENT = "agen.sitp@kemenkeu.go.id"
AGENT_NAME = "Agus Prasetyo"


@pytest.fixture(scope="module")
def agent(site) -> int:
    """An agent of Direktorat SITP, as ``flask users create --role agen`` makes one."""
    return create_account(site, email=AGENT, role="agen", units=("Direktorat SITP",), name=AGENT_NAME)


def flash(page) -> str:
    """The text of the confirmation the page shows after an action."""
    return " ".join(page.locator(".flashes").inner_text().split())


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_signs_in_replies_and_resolves(site, agent, new_page, width):
    """Back office → sign-in form → queue → the ticket → public reply → "Selesai" with how it was fulfilled."""
    requester = f"budi.{width}@satker.go.id"
    subject = f"Reset user SAKTI operator {width}"
    reference = create_ticket(
        site, code=CODE, email=requester, subject=subject, detail="Akun SAKTI terkunci setelah salah kata sandi."
    )
    j = start(new_page, "staf", width)
    page = j.page
    page.goto(site.url("/staf/"))
    assert page.url.startswith(site.url("/staf/masuk")), "the back office asks for signing in first"
    assert heading(page) == "Masuk ke akun DJPb"
    j.check("masuk")

    sign_in(page, site, AGENT, open_form=False)
    assert flash(page) == f"Selamat datang, {AGENT_NAME}."
    row = page.locator("table.queue tbody tr").filter(has=page.get_by_role("link", name=reference))
    assert row.count() == 1, f"{reference} must be in the unit's queue"
    assert subject in row.inner_text() and "Baru" in row.inner_text()
    j.check("antrian")

    row.get_by_role("link", name=reference).click()
    assert heading(page) == f"{reference} {subject}"
    assert page.locator("dd[data-status]").get_attribute("data-status") == "baru"
    j.check("tiket")

    reply = f"Akun SAKTI operator {width} sudah kami buka kembali. Silakan masuk ulang."
    page.locator("#re-body").fill(reply)
    page.get_by_role("button", name="Kirim balasan").click()
    # Back at the reply just sent, in the thread (the page is thousands of px tall on a phone).
    page.wait_for_url(re.compile(rf".*/staf/tiket/{reference}#peristiwa-\d+$"))
    assert flash(page) == "Balasan dikirim ke pengguna."
    replies = page.locator("ol.thread > li.event-pesan.by-staf")
    assert replies.count() == 1 and reply in replies.inner_text()
    expect(replies).to_be_in_viewport()
    j.check("dibalas")

    page.get_by_label("Status baru").select_option("selesai")
    page.get_by_role("button", name="Simpan status").click()  # no "cara pemenuhan" yet: refused
    # The page comes back at the refused form, with its message there, not at the top.
    expect(page.locator("[data-refused=ubah-status]")).to_be_in_viewport()
    assert j.problems.take(error_page=page.url) == []  # Chromium logs the page's own 422; nothing else
    page.get_by_label("Cara pemenuhan (G.3)").select_option("solusi")
    note = "Akun dibuka kembali; tidak ada perubahan data."
    page.get_by_label("Keterangan untuk pengguna (tidak wajib)").fill(note)
    page.get_by_role("button", name="Simpan status").click()
    assert flash(page) == "Status diubah menjadi Selesai."
    assert page.locator("dd[data-status]").get_attribute("data-status") == "selesai"
    j.check("selesai")

    stored = stored_ticket(site, reference)
    assert (stored.status, stored.fulfilment) == ("selesai", "solusi") and stored.resolved_at is not None
    assert stored.events[-2:] == [("pesan", "staf", True, reply), ("status", "staf", True, note)]

    sent = {letter["Subject"].removeprefix(f"[{reference}] "): letter for letter in letters(site, requester, reference)}
    assert sorted(sent) == ["Balasan dari HAI-DJPb", "Permintaan Anda telah diterima", "Tiket selesai"]
    assert reply in sent["Balasan dari HAI-DJPb"].get_content()
    resolved = sent["Tiket selesai"]
    thread = new_page(width)[0].request.get(private_link(resolved))  # the requester, in another browser
    assert thread.ok and reply in thread.text() and note in thread.text() and "Beri penilaian" in thread.text()


@pytest.mark.parametrize("width", WIDTHS)
def test_account_changes_its_password(site, new_page, width):
    """Header link "Kata sandi" → a mistyped confirmation is refused and announced → the change → sign in anew."""
    email = f"sandi.{width}@kemenkeu.go.id"
    create_account(site, email=email, role="agen", units=("Direktorat SITP",), name="Sinta Dewi")
    new = f"kalimat sandi baru untuk layar {width}"
    j = start(new_page, "kata-sandi", width)
    page = j.page
    sign_in(page, site, email)

    page.locator("header").get_by_role("link", name="Kata sandi", exact=True).click()
    assert heading(page) == "Ubah kata sandi"
    j.check("formulir")
    page.locator("#current").fill(PASSWORD)
    page.locator("#new").fill(new)
    page.locator("#confirm").fill(new + "!")
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    summary = page.get_by_role("alert")
    assert "Kedua isian kata sandi baru berbeda." in summary.inner_text()
    assert page.locator("#confirm").get_attribute("aria-invalid") == "true"
    assert j.problems.take(error_page=page.url) == []  # Chromium logs the page's own 400; nothing else
    j.check("tidak-cocok")

    page.locator("#current").fill(PASSWORD)
    page.locator("#new").fill(new)
    page.locator("#confirm").fill(new)
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    page.wait_for_url(site.url("/staf/"))
    assert flash(page) == "Kata sandi telah diubah. Sesi di perangkat lain telah diakhiri."
    j.check("diubah")

    page.locator("header").get_by_role("button", name="Keluar (Sinta Dewi)").click()
    sign_in(page, site, email, new)
    assert flash(page) == "Selamat datang, Sinta Dewi."
