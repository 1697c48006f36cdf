"""Every back-office page in a real browser, at phone and desktop width, as the staff who may open it.

A unit lead (every page of the back office but the accounts) and an administrator (the accounts
page) sign in through the form; each page then goes through ``Journey.check``: screenshot, no
sideways scrolling, no console error, no serious or critical axe finding. The list is the URL map's,
so a page added later is checked without editing this file.
"""

from __future__ import annotations

import pytest

from tests.browser.records import create_account, create_ticket
from tests.browser.test_journeys import WIDTHS, sign_in, start

LEAD = ("ketua.halaman@kemenkeu.go.id", "ketua", "Direktorat SITP")
ADMIN = ("admin.halaman@kemenkeu.go.id", "admin", "Sekretariat DJPb")
# Sign-in is a journey's; the others are not HTML pages.
SKIP = {"auth.login", "staff.audit_csv", "staff.dashboard_csv", "staff.download", "chat_staff.poll"}  # poll: JSON


@pytest.fixture(scope="module")
def accounts(site) -> dict:
    """The lead and the administrator, and a ticket of the lead's unit to open."""
    for email, role, unit in (LEAD, ADMIN):
        create_account(site, email=email, role=role, units=(unit,), name=f"Uji {role}")
    reference = create_ticket(
        site, code="CRSM.01", email="rina@satker.go.id", subject="Perubahan hak akses", detail="Mohon ditambah."
    )
    # A mail to the desk: a ticket without a code, for the triage pages.
    mail = "\r\n".join(
        ["From: Rina <rina@satker.go.id>", "To: hai.djpb@kemenkeu.go.id", "Subject: Mohon bantuan", "", "Halo.", ""]
    )
    ingested = site.app.test_cli_runner().invoke(args=["mail", "ingest"], input=mail.encode())
    assert ingested.exit_code == 0, ingested.output
    # An FAQ article of the lead's unit (CRSM.01 belongs to Direktorat SITP), for its own pages.
    from sqlalchemy import select

    from portal.extensions import db
    from portal.faq.models import FaqArticle

    with site.app.app_context():
        slug = db.session.scalars(select(FaqArticle.slug).where(FaqArticle.code == "CRSM.01")).first()
    assert slug, "no CRSM.01 article was imported"
    from portal.chat import service as chat_service  # a visitor's chat, for the agent's chat page
    from portal.core.clock import now

    with site.app.app_context():
        can = chat_service.Availability(True, True, None)
        chat = chat_service.start(db.session, name="Rina", email="rina@satker.go.id", code="CRSM.01", about="",
                                  text="Mohon bantuan hak akses.", now=now(), can=can)  # fmt: skip
        chat_id = chat.id
        db.session.remove()
    # A forward to a linked unit: its table made the ticket page 576 px wide on a phone (walk at 375 px).
    from portal.tickets import forwarding
    from portal.tickets import service as tickets

    with site.app.app_context():
        ticket = tickets.find(db.session, reference)
        unit = site.app.extensions["catalog"].linked_units[0].name
        forwarding.forward(db.session, ticket, catalog=site.app.extensions["catalog"], unit=unit,
                           channel="surat dinas dan e-mail ke layanan help-desk unit", sent_at=now(),
                           their_reference="ND-0001/PENGEMBANG/2026", actor_id=None, now=now())  # fmt: skip
        db.session.commit()
        db.session.remove()
    return {"reference": reference, "triage": ingested.output.strip(), "slug": slug, "chat": str(chat_id)}


def backoffice_pages(site, reference: str, triage: str = "", slug: str = "", chat: str = "") -> dict[str, str]:
    """Endpoint → URL of every GET page under /staf (parameters filled in; triage pages take ``triage``)."""
    pages = {}
    for rule in site.app.url_map.iter_rules():
        if rule.rule.startswith("/staf") and "GET" in rule.methods and rule.endpoint not in SKIP:
            ticket = triage if rule.endpoint.startswith("mail.triage") and triage else reference
            pages[rule.endpoint] = rule.rule.replace("<reference>", ticket).replace("<slug>", slug)
            pages[rule.endpoint] = pages[rule.endpoint].replace("<int:chat_id>", chat)
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_every_backoffice_page_is_accessible(site, accounts, new_page, width):
    pages = backoffice_pages(site, accounts["reference"], accounts["triage"], accounts["slug"], accounts["chat"])
    assert {"staff.queue", "staff.ticket", "staff.dashboard", "staff.users", "auth.change_password"} <= set(pages)
    seen = set()
    for email, role, _unit in (LEAD, ADMIN):
        j = start(new_page, f"staf-halaman-{role}", width)
        page = j.page
        sign_in(page, site, email)
        for endpoint, path in sorted(pages.items()):
            if endpoint in seen:
                continue
            response = page.goto(site.url(path))
            if response.status == 404:  # a page this role may not open (the other account opens it)
                assert j.problems.take(error_page=page.url) == []
                continue
            assert response.status == 200, f"{path} answered {response.status} to {role}"
            j.check(endpoint.split(".")[-1])
            seen.add(endpoint)
    assert seen == set(pages), f"pages nobody could open: {sorted(set(pages) - seen)}"


def test_the_queue_keeps_its_number_column_and_header_in_view_at_375(site, accounts, new_page):
    j = start(new_page, "antrian-375", 375)
    page = j.page
    sign_in(page, site, LEAD[0])
    page.goto(site.url("/staf/?antrian=semua"))
    page.locator(".table-scroll").evaluate("el => el.scrollLeft = el.scrollWidth")
    header = page.locator(".queue thead th").first.bounding_box()
    number = page.locator(".queue tbody th[scope=row]").first.bounding_box()
    assert abs(header["x"] - number["x"]) < 1 and header["width"] == number["width"], (header, number)
    row = page.locator(".queue tbody tr").first.bounding_box()
    assert row["height"] < 160, f"a queue row is {row['height']} px tall on a phone"
    j.check("antrian-digeser")
