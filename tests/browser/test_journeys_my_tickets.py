""" "Tiket saya" in a real browser: from the status page, ask for the link, open it from the letter,
see every ticket of the address and open one thread; the link then works no more (#19 item 6).

Every step goes through ``Journey.check`` (screenshot, no sideways scrolling, no console error, no
serious or critical axe finding); the journey ends by reading the outbox and the database.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import MyTicketsLink
from tests.browser.records import create_ticket
from tests.browser.test_journeys import WIDTHS, heading, start

CODE = "BCSM.02.01"
SUBJECT = "Daftar tiket Anda di HAI-DJPb"


def list_letters(site, to: str) -> list:
    """The "Tiket saya" letters to ``to`` in the outbox folder, oldest first."""
    folder = Path(site.app.instance_path) / "outbox"
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    found = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths]
    return [m for m in found if m["To"] == to and m["Subject"] == SUBJECT]


@pytest.mark.parametrize("width", WIDTHS)
def test_my_tickets_from_the_status_page_to_a_thread(site, new_page, width):
    """Cek Status → "Tiket saya" → e-mail → the letter's link → the list → one thread; the link is spent."""
    email = f"rina.{width}@satker.go.id"
    refs = [
        create_ticket(site, code=CODE, email=email, subject=f"Revisi DIPA {n}", detail="Mohon bantuan revisi DIPA.")
        for n in (1, 2)
    ]
    j = start(new_page, "tiket-saya", width)
    page = j.page
    page.goto(site.url("/status"))
    page.get_by_role("link", name="Lihat semua tiket Anda lewat e-mail (Tiket saya)").click()
    assert heading(page) == "Tiket saya"
    j.check("formulir")

    page.get_by_label("Alamat e-mail").fill(email.upper())
    page.get_by_role("button", name="Kirim tautan ke e-mail saya").click()
    page.wait_for_url(re.compile(r".*/tiket-saya\?terkirim=1$"))
    expect(page.get_by_role("status").get_by_text("Periksa kotak masuk e-mail Anda.")).to_be_visible()
    j.check("terkirim")

    [letter] = list_letters(site, email)
    link = re.search(r"https?://\S+/tiket-saya/buka\?t=\S+", letter.get_content()).group(0)
    page.goto(link)
    page.get_by_role("button", name="Tampilkan tiket saya").click()
    page.wait_for_url(site.url("/tiket-saya/daftar"))  # the token left the address bar
    listed = page.locator("li[data-ticket]")
    assert sorted(listed.evaluate_all("items => items.map(i => i.dataset.ticket)")) == sorted(refs)
    assert "Perkiraan selesai" in listed.first.inner_text() and "Pembaruan terakhir" in listed.first.inner_text()
    j.check("daftar")

    page.get_by_role("link", name=f"Buka percakapan {refs[0]}").click()
    page.wait_for_url(site.url(f"/status/{refs[0]}"))
    assert heading(page) == f"Tiket {refs[0]}"
    j.check("percakapan")

    again, problems = new_page(width)
    again.goto(link)
    problems.take(error_page=link)  # Chromium logs the 410 of the document itself
    expect(again.get_by_role("alert").get_by_text("sudah dipakai", exact=False)).to_be_visible()
    assert again.get_by_role("button", name="Tampilkan tiket saya").count() == 0

    with site.app.app_context():
        used = db.session.scalars(select(MyTicketsLink).where(MyTicketsLink.email == email)).all()
        assert [row.used_at is not None for row in used] == [True]
        db.session.remove()
