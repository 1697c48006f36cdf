"""FAQ from the ticket page in a real browser (#16 item 4): link an article in a reply, "Jadikan FAQ".

An agent of Direktorat SITP types a reply, searches the FAQ from the reply box with Enter (which
must search, not send), inserts a link (with and without JavaScript: nothing typed is lost), sends
it, resolves the ticket and turns it into a draft whose personal data became placeholders.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.records import create_account, create_ticket, stored_ticket
from tests.browser.test_journeys import WIDTHS, heading, sign_in, start

CODE = "CRSM.01"
TITLE = "Bagaimana mengajukan reset password atau permintaan akun pengguna aplikasi?"


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize("width", WIDTHS)
def test_link_an_article_in_a_reply_then_make_the_ticket_an_faq(site, new_page, width, javascript):
    email = f"faq.{width}.{int(javascript)}@kemenkeu.go.id"
    create_account(site, email=email, role="agen", units=("Direktorat SITP",), name="Wulan Sari")
    detail = "NIP saya 198503122010121001, HP 0812-3456-7890. Akun SAKTI terkunci."
    reference = create_ticket(site, code=CODE, email=f"rina.{width}@satker.go.id", subject="Akun SAKTI terkunci",
                              detail=detail)  # fmt: skip
    j = start(new_page, f"faq-tiket-{int(javascript)}", width, javascript=javascript)
    page = j.page
    sign_in(page, site, email)
    page.goto(site.url(f"/staf/tiket/{reference}"))
    typed = "Akun sudah kami buka kembali."
    page.locator("#re-body").fill(typed)
    page.locator("#faq_q").fill("reset password sakti")
    page.locator("#faq_q").press("Enter")  # the first button of the form: search, never send
    results = page.locator("[data-faq-results]")
    results.wait_for()
    assert page.locator("#re-body").input_value() == typed
    assert stored_ticket(site, reference).events[-1][0] != "pesan"
    j.check("cari-faq")
    results.get_by_role("button", name=f"Sisipkan tautan ke {TITLE}").click()
    expect(page.locator("#re-body")).to_have_value(re.compile("/faq/"))
    value = page.locator("#re-body").input_value()
    assert value.startswith(typed) and value.endswith(f"{TITLE}: {site.url('/faq/CRSM.01/')}"
                                                      "reset-password-dan-manajemen-user-aplikasi")  # fmt: skip
    page.get_by_role("button", name="Kirim balasan").click()
    page.wait_for_url(re.compile(rf".*/staf/tiket/{reference}#peristiwa-\d+$"))  # back at the message sent
    assert stored_ticket(site, reference).events[-1][3].replace("\r\n", "\n") == value  # the form sends CRLF

    page.get_by_label("Status baru").select_option("selesai")
    page.get_by_label("Cara pemenuhan (G.3)").select_option("solusi")
    page.get_by_role("button", name="Simpan status").click()
    page.get_by_role("button", name="Jadikan FAQ").click()
    page.wait_for_url("**/staf/faq/**")
    assert heading(page) == "Akun SAKTI terkunci"
    body = page.locator("textarea").first.input_value()
    assert "[NIP]" in body and "[telepon]" in body and "198503122010121001" not in body and "0812" not in body
    j.check("draf-dari-tiket")
