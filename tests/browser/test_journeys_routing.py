"""Routing in a real browser: an agent moves a ticket to the right service, then merges a duplicate.

Tickets are filed through the service layer for CRSM.01 (Direktorat SITP, the agent's unit and
the help desk's). The journeys end by reading the database and the requester's letters, and the
merge journey by opening the duplicate's private link in another browser: it shows the survivor.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.records import create_account, create_ticket, letters, private_link, stored_ticket
from tests.browser.support import url_ending
from tests.browser.test_journeys import WIDTHS, heading, sign_in, start
from tests.browser.test_journeys_staff import flash

CODE = "CRSM.01"
AGENT = "agen.rute@kemenkeu.go.id"


@pytest.fixture(scope="module")
def agent(site) -> int:
    """An agent of Direktorat SITP, the unit that runs the help desk."""
    return create_account(site, email=AGENT, role="agen", units=("Direktorat SITP",), name="Rina Kusuma")


@pytest.mark.parametrize("width", WIDTHS)
def test_agent_transfers_a_ticket_to_the_right_service(site, agent, new_page, width):
    """The ticket page → "Pindahkan ke layanan lain" → a code by family and a reason → the new unit and due time."""
    requester = f"transfer.{width}@satker.go.id"
    reference = create_ticket(
        site,
        code=CODE,
        email=requester,
        subject=f"Mutasi pegawai {width}",
        detail="Bagaimana prosedur mutasi PNS DJPb?",
    )
    before = stored_ticket(site, reference)
    j = start(new_page, "pindah", width)
    page = j.page
    sign_in(page, site, AGENT)
    page.goto(site.url(f"/staf/tiket/{reference}"))
    assert heading(page) == f"{reference} Mutasi pegawai {width}"
    j.check("tiket")

    page.get_by_label("Kode layanan tujuan").select_option("BCSM.01")
    page.get_by_label("Alasan pemindahan").fill("Pertanyaan kepegawaian: layanan Sekretariat DJPb.")
    page.get_by_role("button", name="Pindahkan", exact=True).click()
    page.wait_for_url(re.compile(rf".*/staf/tiket/{reference}#isi$"))  # at the confirmation
    assert flash(page) == "Tiket dipindahkan ke BCSM.01 (Sekretariat DJPb)."
    assert "BCSM.01" in page.locator(".facts").first.inner_text()
    j.check("dipindahkan")

    after = stored_ticket(site, reference)
    assert after.status == "baru" and after.norm_hours == 32 and after.due_at > before.due_at
    assert after.events[-1][:3] == ("pindah", "staf", False)
    [told] = [m for m in letters(site, requester, reference) if "dipindahkan" in m["Subject"]]
    assert "BCSM.01" in told.get_content() and after.due_text in told.get_content()


@pytest.mark.parametrize("width", WIDTHS)
def test_agent_merges_a_duplicate_and_its_link_leads_to_the_survivor(site, agent, new_page, width):
    """The duplicate's page → "Gabungkan sebagai duplikat" → the survivor lists it; the old link opens the survivor."""
    requester = f"gabung.{width}@satker.go.id"
    survivor = create_ticket(site, code=CODE, email=requester, subject=f"Akun SAKTI {width}", detail="Akun terkunci.")
    duplicate = create_ticket(
        site,
        code=CODE,
        email=requester,
        subject=f"Akun SAKTI lagi {width}",
        detail="Mohon segera, akun masih terkunci.",
    )
    j = start(new_page, "gabung", width)
    page = j.page
    sign_in(page, site, AGENT)
    page.goto(site.url(f"/staf/tiket/{duplicate}"))
    j.check("duplikat")

    page.locator("#gb-reference").fill(survivor.lower())
    page.get_by_role("button", name="Gabungkan", exact=True).click()
    page.wait_for_url(re.compile(rf".*/staf/tiket/{survivor}#isi$"))
    assert flash(page) == f"Tiket {duplicate} digabungkan ke tiket ini."
    assert page.locator(f'[data-merged-from="{duplicate}"]').count() == 1
    assert "Mohon segera, akun masih terkunci." in page.locator("ol.thread").inner_text()
    j.check("digabung")

    assert stored_ticket(site, duplicate).status == "ditutup"
    [confirmation] = [m for m in letters(site, requester, duplicate) if "diterima" in m["Subject"]]
    requester_page = new_page(width)[0]
    requester_page.goto(private_link(confirmation))
    expect(requester_page).to_have_url(url_ending(f"/status/{survivor}"))
    assert "Mohon segera, akun masih terkunci." in requester_page.locator("main").inner_text()
