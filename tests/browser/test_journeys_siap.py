"""SIAP with JavaScript off. A whistle-blower files a complaint with evidence, reads the receipt shown
once, then, in another browser, opens the complaint with the receipt and sends a follow-up message.
A Secretariat member signs in, unlocks the workspace, reads a complaint, answers and moves it on.

SIAP pages run under ``default-src 'none'``. The reporter's browser keeps that policy enforced, so a
blocked stylesheet, inline style or script shows up as a console error in ``Journey.check``; axe
runs on a copy of each step in a context that bypasses the CSP (``AxeCopy``). Each
step also checks the policy itself: every SIAP response carries the exact Content-Security-Policy
header and the page loads nothing from another origin and holds no script or inline style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.siap import privacy
from portal.siap.models import MESSAGE, REPORTER, SECRETARIAT, ComplaintEntry
from tests.browser.checks import AxeCopy, Journey, fail_on
from tests.browser.records import PASSWORD, create_account, tiny_png
from tests.browser.test_journeys import WIDTHS, heading, sign_in

RECEIPT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")  # 20 characters, five groups of four
FOREIGN_CONTENT = """() => {
    const found = [...document.querySelectorAll('script, style, [style], iframe, object, embed')]
        .map((el) => el.tagName.toLowerCase() + (el.hasAttribute('style') ? '[style]' : ''));
    const urls = [...document.querySelectorAll('link[href], img[src]')].map((el) => el.href || el.src);
    return {found, foreign: urls.filter((u) => new URL(u).origin !== location.origin)};
}"""


@dataclass
class SiapJourney(Journey):
    """A journey on SIAP pages: the usual checks plus the privacy policy of every response and page."""

    documents: list[tuple[str, str | None]] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, new_page, name: str, width: int, axe_copy: AxeCopy) -> SiapJourney:
        """Open a fresh browser without JavaScript and record every document and request it makes."""
        page, problems = new_page(width, javascript=False)
        journey = cls(page=page, problems=problems, name=name, width=width, javascript=False, axe_copy=axe_copy)

        def on_response(response) -> None:
            """Keep the address and CSP header of every document the tab loads (redirects too)."""
            if response.request.resource_type == "document" and response.frame == page.main_frame:
                journey.documents.append((response.url, response.headers.get("content-security-policy")))

        page.on("response", on_response)
        page.on("request", lambda request: journey.requested.append(request.url))
        return journey

    def check(self, step: str) -> None:
        """Check the SIAP policy since the previous step, then what every journey checks."""
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.page.url))
        problems = [
            f"{url} answered without SIAP's CSP (got {csp!r})"
            for url, csp in self.documents
            if privacy.is_siap_path(urlsplit(url).path) and csp != privacy.CSP
        ]
        problems += [f"request to another origin: {url}" for url in self.requested if not url.startswith(origin + "/")]
        content = self.page.evaluate(FOREIGN_CONTENT)
        problems += [f"the page holds <{tag}>" for tag in content["found"]]
        problems += [f"the page loads {url}" for url in content["foreign"]]
        if not self.documents:
            problems.append("no SIAP page was loaded since the previous step")
        self.documents, self.requested = [], []
        fail_on(problems, f"{self.name} at {self.width} px, step {step} ({self.page.url}): SIAP policy")
        super().check(step)


@pytest.fixture(scope="module")
def secretariat(site) -> None:
    """The Secretariat's unit key, made by its first member as ``flask siap init-unit`` does (no key, no filing)."""
    from portal.auth.models import User
    from portal.siap import members

    user_id = create_account(
        site, email="sekretariat@kemenkeu.go.id", role="agen", units=("Sekretariat DJPb",), name="Sekar"
    )
    with site.app.app_context():
        members.init_unit(db.session, db.session.get(User, user_id), PASSWORD)
        db.session.remove()


def stored_complaint(site, receipt: str) -> dict:
    """Open the complaint with its receipt as the portal does; return its status, thread and raw rows."""
    from portal.siap import service

    with site.app.app_context():
        opened = service.open_with_receipt(db.session, receipt)
        assert opened is not None, "the receipt must open a complaint in the SIAP database"
        complaint, key = opened
        thread = service.read_thread(complaint, key, internal=False)
        rows = db.session.scalars(select(ComplaintEntry).where(ComplaintEntry.complaint_id == complaint.id)).all()
        found = {
            "status": complaint.status,
            "report": thread.report,
            "identity": thread.identity,
            "files": [f.name for f in thread.files],
            "messages": [(i.kind, i.author, i.text) for i in thread.items],
            "sealed": [bytes(r.body) for r in rows],
        }
        db.session.remove()
        return found


@pytest.mark.parametrize("width", WIDTHS)
def test_siap_complaint_without_javascript_then_follow_up_with_the_receipt(
    site, secretariat, new_page, width, tmp_path
):
    """File anonymously with a file, get the receipt once; later open the complaint with it and write again."""
    evidence = tmp_path / "bukti.png"
    evidence.write_bytes(tiny_png())
    what = f"Petugas loket meminta imbalan ({width})"
    axe_copy = AxeCopy(new_page(width, bypass_csp=True)[0])
    j = SiapJourney.open(new_page, "siap", width, axe_copy)
    page = j.page
    page.goto(site.url("/"))
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Pengaduan (SIAP)").click()
    assert heading(page) == "Layanan Pengaduan (SIAP)"
    j.check("beranda")

    page.get_by_role("link", name="Buat pengaduan").click()
    assert heading(page) == "Buat pengaduan"
    j.check("formulir")

    page.get_by_label("Pengaduan layanan").check()
    page.get_by_label("Apa yang terjadi?").fill(what)
    page.get_by_label("Di mana terjadi?").fill("KPPN Jakarta II")
    page.get_by_label("Uraian kejadian").fill("Pada hari Senin petugas meminta uang agar SP2D cepat terbit.")
    page.get_by_label("Bukti (berkas)").set_input_files(evidence)
    assert page.get_by_label("Saya ingin tetap anonim").is_checked()
    page.get_by_role("button", name="Kirim pengaduan").click()
    assert heading(page) == "Pengaduan Anda terkirim"
    receipt = page.locator(".siap-receipt-code").inner_text().strip()
    assert RECEIPT.match(receipt), receipt
    j.check("resi")

    later = SiapJourney.open(new_page, "siap-lanjut", width, axe_copy)  # another browser, the receipt only
    page = later.page
    page.goto(site.url("/siap"))
    page.get_by_role("link", name="Buka pengaduan saya dengan kode resi").click()
    assert heading(page) == "Buka pengaduan dengan kode resi"
    later.check("masuk")

    page.get_by_label("Kode resi").fill(receipt.lower().replace("-", " "))  # as someone copies it by hand
    page.get_by_role("button", name="Buka").click()
    expect(page).to_have_url(site.url("/siap/laporan"))
    assert page.locator(".siap-status").inner_text() == "Baru"
    expect(page.get_by_text(what)).to_be_visible()
    assert page.locator(".siap-files a").all_inner_texts() == ["bukti.png"]
    assert receipt not in page.content(), "the receipt is never shown again"
    later.check("laporan")

    message = f"Tambahan: kejadian terulang hari Selasa ({width})."
    page.get_by_role("textbox", name="Pesan").fill(message)
    page.get_by_role("button", name="Kirim pesan").click()
    expect(page).to_have_url(site.url("/siap/laporan?ok=pesan"))
    assert page.get_by_role("status").inner_text() == "Pesan Anda terkirim ke Sekretariat DJPb."
    mine = page.locator(".siap-thread .siap-by-pelapor")
    assert mine.count() == 1 and message in mine.inner_text()
    later.check("pesan-terkirim")

    stored = stored_complaint(site, receipt)
    assert stored["status"] == "baru" and stored["identity"] is None
    assert stored["report"]["peristiwa"] == what and stored["report"]["kategori"] == "layanan"
    assert stored["files"] == ["bukti.png"]
    assert stored["messages"] == [(MESSAGE, REPORTER, message)]
    assert all(what.encode() not in body and message.encode() not in body for body in stored["sealed"])


def file_through_service(site, what: str) -> tuple[str, str]:
    """File an anonymous complaint as the form does; return its receipt and reference."""
    from portal.siap import service

    with site.app.app_context():
        report = {"kategori": "layanan", "peristiwa": what, "uraian": f"Uraian: {what}"}
        receipt, complaint, _key = service.submit(db.session, report, None, [])
        ref = complaint.ref
        db.session.remove()
        return receipt, ref


@pytest.mark.parametrize("width", WIDTHS)
def test_secretariat_member_unlocks_reads_answers_and_moves_a_complaint(site, secretariat, new_page, width):
    """Sign in → unlock with the account password → inbox → the complaint → reply → "Diverifikasi" → members, audit."""
    what = f"Pungutan liar di loket ({width})"
    receipt, ref = file_through_service(site, what)
    axe_copy = AxeCopy(new_page(width, bypass_csp=True)[0])
    j = SiapJourney.open(new_page, "siap-sekretariat", width, axe_copy)
    page = j.page
    sign_in(page, site, "sekretariat@kemenkeu.go.id")
    page.goto(site.url("/siap/sekretariat"))
    expect(page).to_have_url(site.url("/siap/sekretariat/buka"))  # the workspace opens locked
    j.check("buka")

    page.get_by_label("Kata sandi akun Anda").fill(PASSWORD)
    page.get_by_role("button", name="Buka").click()
    expect(page).to_have_url(site.url("/siap/sekretariat"))
    j.check("kotak-masuk")

    page.get_by_role("link", name=ref).click()
    assert heading(page) == f"Pengaduan {ref}"
    expect(page.get_by_text(what, exact=True).first).to_be_visible()
    j.check("pengaduan")

    answer = f"Terima kasih, laporan sedang kami verifikasi ({width})."
    page.locator("textarea[name=pesan]").fill(answer)
    page.get_by_role("button", name="Kirim balasan").click()
    expect(page.get_by_text(answer)).to_be_visible()
    j.check("dibalas")

    page.get_by_label("Status baru").select_option("diverifikasi")
    page.get_by_role("button", name="Simpan status").click()
    assert heading(page) == f"Pengaduan {ref}"
    j.check("diverifikasi")

    for path, step in (("/siap/sekretariat/anggota", "anggota"), ("/siap/sekretariat/audit", "audit")):
        page.goto(site.url(path))
        j.check(step)
    assert ref in page.locator("table").inner_text(), "the audit log names the complaint acted on"

    stored = stored_complaint(site, receipt)
    assert stored["status"] == "diverifikasi"
    assert (MESSAGE, SECRETARIAT, answer) in stored["messages"]
    assert all(answer.encode() not in body for body in stored["sealed"])
