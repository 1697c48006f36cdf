"""The three personas of issue 17 on a phone (375 px), each to their goal without a dead end.

- The operator (a satker) has an error while uploading an SPM in SAKTI: she says who she is once,
  searches, reads the article, is told before any form that ITSM.01 is not hers and which route
  is, reaches the right CRSM.01 form with "Satker" preselected, sends it, sees the due time and
  where her request stands.
- The citizen wants to report a bribe: "suap petugas" is searched as typed, the SIAP article
  leads to SIAP, which explains anonymity and shows the report form (on a fresh install after
  ``flask demo seed``, which ran the Secretariat's key ceremony). JavaScript off: SIAP's CSP
  (``default-src 'none'``) would refuse axe, so axe runs on a copy of every step (``AxeCopy``).
- The vendor has a late payment: her own words find the CRSM.01 article, its button opens the
  form, she sends it, then follows the ticket from the letter's private link in another browser.

Every step: screenshot, no sideways scrolling, no console error, axe 0 serious/critical.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import AxeCopy, Journey
from tests.browser.records import DUE_TEXT, REFERENCE, letters, private_link, stored_ticket
from tests.browser.support import search_url
from tests.browser.test_journeys import heading, start

WIDTH = 375
RECEIVED = re.compile(r".*/status/HAI-[^?]+\?baru=1$")


def _received(site, page, email: str) -> str:
    """The confirmation after sending: reference, due time (as stored), steps and what comes next."""
    assert heading(page) == "Permintaan Anda telah diterima"
    reference = page.locator("[data-reference]").inner_text().strip()
    assert REFERENCE.match(reference), reference
    due = page.locator("[data-due]").inner_text().strip()
    assert DUE_TEXT.match(due) and due == stored_ticket(site, reference).due_text
    assert page.locator("[data-progress] [aria-current=step]").inner_text() == "Diterima"
    nxt = page.locator("[data-next]").inner_text()
    assert "Selanjutnya" in nxt and due in nxt and email in nxt, nxt
    return reference


def _searched_as_typed(page, query: str) -> None:
    assert page.locator("#cari-q").input_value() == query
    assert page.get_by_text("Maksud Anda").count() == 0, f"{query!r} must not be 'corrected'"


@pytest.fixture(scope="module")
def demo_seeded(site) -> None:
    """The README's fresh install plus ``flask demo seed``: staff, and SIAP's unit key."""
    result = site.app.test_cli_runner().invoke(args=["demo", "seed", "--tickets", "0"])
    assert result.exit_code == 0, result.output
    assert "SIAP menerima pengaduan" in result.output


def test_operator_with_a_sakti_error_reaches_the_right_form(site, new_page):
    j = start(new_page, "persona-operator", WIDTH)
    page = j.page
    email = "operator@satker.go.id"
    page.goto(site.url("/"))
    satker = site.app.extensions["catalog"].user_type(1)
    page.locator(".chooser").get_by_role("link", name=satker.name).click()
    page.wait_for_url(site.url("/layanan?pengguna=1"))
    j.check("saya-adalah")

    query = "gagal upload SPM SAKTI"
    page.locator("form[role=search]").first.get_by_role("searchbox").fill(query)
    page.locator("form[role=search]").first.get_by_role("searchbox").press("Enter")
    page.wait_for_url(re.compile(r".*/cari\?q="))
    _searched_as_typed(page, query)
    j.check("cari")

    page.get_by_role("link", name="Bagaimana menanyakan status SPM SAKTI?").click()
    assert heading(page) == "Bagaimana menanyakan status SPM SAKTI?"
    # Before any form: ITSM.01 is not for a satker, and which route is.
    closed = page.locator("[data-closed-routes]")
    expect(closed.locator("[data-closed-for-you='1']")).to_be_visible()
    j.check("artikel")

    closed.locator("a[href='/layanan/CRSM.01']").click()
    page.wait_for_url(site.url("/layanan/CRSM.01"))
    page.locator("[data-cta]").get_by_role("link", name="Ajukan permintaan").click()
    page.wait_for_url(re.compile(r".*/permintaan/CRSM\.01$"))
    j.check("pilih-jenis")

    page.get_by_role("link", name="Permintaan informasi status SPM SAKTI pada portal KPPN").click()
    page.wait_for_url(re.compile(r".*/permintaan/CRSM\.01/status-spm-sakti$"))
    assert page.locator("#pengguna").input_value() == "1", "asked once, preselected"
    page.locator("#nama").fill("Rina Operator")
    page.locator("#email").fill(email)
    page.locator("#kode_satker").fill("123456")
    page.locator("#nomor_spm").fill("00123T/123456/2026")
    page.locator("#detail").fill("Saat mengunggah SPM di SAKTI muncul pesan galat dan SPM tidak masuk ke KPPN.")
    j.check("formulir")
    page.get_by_role("button", name="Kirim permintaan").click()
    page.wait_for_url(RECEIVED)
    reference = _received(site, page, email)
    j.check("diterima")
    stored = stored_ticket(site, reference)
    assert (stored.status, len(letters(site, email, reference))) == ("baru", 1)


def test_citizen_reports_a_bribe_through_siap(site, demo_seeded, new_page):
    axe_copy = AxeCopy(new_page(WIDTH, bypass_csp=True)[0])
    page, problems = new_page(WIDTH, javascript=False)
    j = Journey(page=page, problems=problems, name="persona-warga", width=WIDTH, javascript=False, axe_copy=axe_copy)
    query = "suap petugas"
    page.goto(site.url(search_url(query)))
    _searched_as_typed(page, query)
    j.check("cari")

    page.get_by_role("link", name="Apa yang dapat diadukan melalui Layanan Pengaduan (SIAP)?").click()
    assert heading(page) == "Apa yang dapat diadukan melalui Layanan Pengaduan (SIAP)?"
    j.check("artikel")

    page.get_by_role("link", name="Ajukan permintaan WBSM.01", exact=True).first.click()
    page.wait_for_url(site.url("/siap"))
    assert heading(page) == "Layanan Pengaduan (SIAP)"
    expect(page.get_by_role("heading", name="Bagaimana identitas Anda dilindungi")).to_be_visible()
    assert page.get_by_text("belum dapat menerima").count() == 0, "the demo seed made SIAP ready"
    j.check("siap")

    page.get_by_role("link", name="Buat pengaduan").click()
    assert heading(page) == "Buat pengaduan"
    assert page.get_by_label("Saya ingin tetap anonim").is_checked()
    expect(page.get_by_role("button", name="Kirim pengaduan")).to_be_visible()
    j.check("formulir")


def test_vendor_asks_about_a_late_payment_and_follows_it(site, new_page):
    j = start(new_page, "persona-penyedia", WIDTH)
    page = j.page
    email = "penyedia@cv-maju.co.id"
    query = "pembayaran terlambat"
    page.goto(site.url("/"))
    page.locator("form[role=search]").first.get_by_role("searchbox").fill(query)
    page.locator("form[role=search]").first.get_by_role("searchbox").press("Enter")
    page.wait_for_url(re.compile(r".*/cari\?q="))
    _searched_as_typed(page, query)
    j.check("cari")

    page.locator("a[href^='/faq/CRSM.01/permintaan-informasi-sp2d-dan-kode-billing-mpn?']").first.click()
    assert "informasi SP2D" in heading(page)
    j.check("artikel")

    page.get_by_role("link", name="Ajukan permintaan CRSM.01", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/permintaan/CRSM\.01/pembuatan-tiket$"))
    page.locator("#pengguna").select_option("5")
    page.locator("#nama").fill("Sri Penyedia")
    page.locator("#email").fill(email)
    page.locator("#subjek").fill("Pembayaran kontrak belum diterima")
    page.locator("#detail").fill("Tagihan termin 2 sudah diajukan satker bulan lalu; dana belum masuk rekening kami.")
    j.check("formulir")
    page.get_by_role("button", name="Kirim permintaan").click()
    page.wait_for_url(RECEIVED)
    reference = _received(site, page, email)
    j.check("diterima")

    # Later, on another device: the confirmation letter's private link opens the ticket.
    [letter] = letters(site, email, reference)
    later = start(new_page, "persona-penyedia-ikuti", WIDTH)
    later.page.goto(private_link(letter))
    expect(later.page).to_have_url(site.url(f"/status/{reference}"))
    assert heading(later.page) == f"Tiket {reference}"
    assert later.page.locator("[data-progress] [aria-current=step]").inner_text() == "Diterima"
    later.check("ikuti")
