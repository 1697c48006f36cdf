"""Pages that show a ticket, a thread, staff data or a personal-data form are never cached.

Every GET route of the back office, sign-in, request forms and status pages is walked, as a
signed-in lead and as the requester who holds the thread; each answer must carry
``Cache-Control: no-store``. Thread pages also send ``Referrer-Policy: no-referrer``, and
their forms still post over HTTPS although no Referer comes with them.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.staff.conftest import new_ticket
from tests.tickets.conftest import FRIDAY_3PM

PRIVATE_BLUEPRINTS = {"staff", "auth", "tickets"}
PRIVATE_ENDPOINTS = {"api.ticket_summary"}
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def app(make_app):
    """The portal at Friday 27 November 2026, 15.00 WIB."""
    return make_app(NOW=FRIDAY_3PM)


def _world(app, make_user):
    make_user(email="ketua@kemenkeu.go.id", role="ketua", units=("Direktorat SITP",))
    requester = app.test_client()
    reference = new_ticket(app, client=requester, lampiran=[(io.BytesIO(PDF), "bukti.pdf")])
    lead = app.test_client()
    signed = lead.post("/staf/masuk", data={"email": "ketua@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"})
    assert signed.status_code == 303, signed.get_data(as_text=True)[:3000]
    return requester, lead, reference


def _concrete(app, rule, reference: str) -> str:
    from portal.auth.models import User
    from portal.tickets.models import Attachment

    with app.app_context():
        values = {
            "reference": reference,
            "code": "CRSM.01",
            "type_key": "pembuatan-tiket",
            "attachment_id": db.session.scalars(select(Attachment.id)).first(),
            "user_id": db.session.scalars(select(User.id)).first(),
        }
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "1")), rule.rule)


def test_every_private_page_says_no_store(app, make_user):
    requester, lead, reference = _world(app, make_user)
    checked = {}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if "GET" not in rule.methods or (
            blueprint not in PRIVATE_BLUEPRINTS and rule.endpoint not in PRIVATE_ENDPOINTS
        ):
            continue
        url = _concrete(app, rule, reference)
        for who, client in (("lead", lead), ("requester", requester), ("anonymous", app.test_client())):
            with client.get(url) as response:
                assert response.headers.get("Cache-Control") == "no-store", (who, url, response.status_code)
                assert "ETag" not in response.headers, (who, url)
                checked[(rule.endpoint, who)] = response.status_code
    # The walk reached the pages that matter with their real content, not only refusals.
    assert checked[("staff.ticket", "lead")] == 200
    assert checked[("staff.queue", "lead")] == 200
    assert checked[("tickets.thread", "requester")] == 200
    assert checked[("tickets.download", "requester")] == 200
    assert checked[("auth.login", "anonymous")] == 200
    assert checked[("tickets.form", "anonymous")] == 200
    assert len({endpoint for endpoint, _who in checked}) >= 15
    # A refused form (422) is a page holding what the person typed: not stored either.
    refused = requester.post("/permintaan/CRSM.01/pembuatan-tiket", data={"nama": "Budi"})
    assert refused.status_code == 422 and refused.headers["Cache-Control"] == "no-store"


def test_public_pages_stay_cacheable(app, make_user):
    _world(app, make_user)
    for path in ("/", "/layanan/BCSM.02.01", "/faq"):
        assert "no-store" not in app.test_client().get(path).headers.get("Cache-Control", "")


def test_the_thread_sends_no_referrer_and_its_forms_still_post_over_https(make_app):
    app = make_app(NOW=FRIDAY_3PM, WTF_CSRF_ENABLED=True, PREFERRED_URL_SCHEME="https")
    browser = app.test_client()
    base = "https://localhost"
    form = browser.get(f"{base}/permintaan/BCSM.02.01/pembuatan-tiket").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    data = {
        "csrf_token": token,
        "pengguna": "1",
        "nama": "Budi",
        "email": "budi@satker.go.id",
        "nama_satker": "Satker Uji",
        "kode_satker": "123456",
        "subjek": "Pembatalan SP2D gaji",
        "detail": "SP2D terbit dengan rekening yang salah.",
    }
    referer = {"Referer": f"{base}/permintaan/BCSM.02.01/pembuatan-tiket"}
    submitted = browser.post(f"{base}/permintaan/BCSM.02.01/pembuatan-tiket", data=data, headers=referer)
    assert submitted.status_code == 303
    thread = browser.get(base + submitted.headers["Location"])
    assert thread.status_code == 200 and thread.headers["Referrer-Policy"] == "no-referrer"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', thread.get_data(as_text=True)).group(1)
    reference = submitted.headers["Location"].split("/status/")[1].split("?")[0]
    # What a browser sends from a no-referrer page: no Referer; Sec-Fetch-Site says where it comes from.
    same = {"Sec-Fetch-Site": "same-origin"}
    reply = browser.post(f"{base}/status/{reference}/balas", data={"csrf_token": token, "pesan": "Ini"}, headers=same)
    assert reply.status_code == 303, reply.get_data(as_text=True)[:300]
    for foreign in ("cross-site", "same-site"):
        refused = browser.post(
            f"{base}/status/{reference}/balas",
            data={"csrf_token": token, "pesan": "Dari situs lain"},
            headers={"Sec-Fetch-Site": foreign},
        )
        assert refused.status_code == 403
