"""No SIAP data anywhere in the back office: complaints live in portal/siap and its own database."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket
from tests.staff.conftest import FRIDAY_3PM, new_ticket, signed_in

ROOT = Path(__file__).resolve().parents[2]
MARKER = "SIAPMARKER7Q2X"


@pytest.fixture
def app(make_app):
    """Tiny Argon2id parameters for SIAP's keys; figures never cached."""
    return make_app(NOW=FRIDAY_3PM, DASHBOARD_CACHE_SECONDS=0, SIAP_ARGON2_MEMORY_KIB=64, SIAP_ARGON2_OPS=1)


def test_the_back_office_never_imports_siap():
    for path in sorted((ROOT / "portal" / "staff").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
            assert not [n for n in names if n.startswith("portal.siap")], (path.name, names)
    for path in (ROOT / "templates" / "staff").glob("*.html"):
        assert "siap." not in path.read_text(), path.name


def staff_pages(app) -> list[str]:
    """Every GET page of the back office without a ticket reference, and the CSV."""
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staf") and "GET" in rule.methods and "<" not in rule.rule
    ]


def test_a_filed_complaint_shows_nowhere_in_the_back_office(app, people, make_user):
    from portal.auth.models import User
    from portal.siap import formkeys, members

    password = "kata-sandi-sekretariat-1"
    lead_id = make_user(email="sekar@kemenkeu.go.id", role="ketua", units=("Sekretariat DJPb",), password=password)
    with app.app_context():
        members.init_unit(db.session, db.session.get(User, lead_id), password)
    data = {"kategori": "layanan", "peristiwa": MARKER, "uraian": f"Uraian {MARKER}", "anonim": "y"}
    with app.app_context():  # the complaint form's one-time key, issued on the app's clock
        data["kunci"] = formkeys.new_key()
    assert app.test_client().post("/siap/lapor", data=data).status_code == 303
    new_ticket(app)  # some help-desk work, so the pages are not empty
    lead = app.test_client()
    assert lead.post("/staf/masuk", data={"email": "sekar@kemenkeu.go.id", "password": password}).status_code == 303
    admin = signed_in(app, "admin@kemenkeu.go.id")  # also Sekretariat DJPb
    pages = staff_pages(app)
    assert "/staf/dasbor" in pages and "/staf/dasbor.csv" in pages
    for client in (lead, admin):
        for path in pages:
            text = client.get(path).get_data(as_text=True)
            assert MARKER not in text, path
            # The queue's service filter lists the whole catalog (WBSM.01 among the options), and
            # the unit's FAQ list its public articles about SIAP (#16); no other page names the
            # complaint service at all.
            assert path in ("/staf/", "/staf/faq/") or "WBSM.01" not in text, path
    dashboard = lead.get("/staf/dasbor").get_data(as_text=True)
    assert re.findall(r'<tr data-code="([^"]+)"', dashboard.split('data-table="terbuka"')[1].split("</table>")[0]) == [
        "BCSM.01"
    ]


def test_a_misfiled_complaint_ticket_is_never_counted(app, people):
    reference = new_ticket(app)  # a help-desk ticket re-coded WBSM.01, as if filed before SIAP existed
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        t.code = t.service_code = "WBSM.01"
        t.owner_unit = "Sekretariat DJPb"
        db.session.commit()
    admin = signed_in(app, "admin@kemenkeu.go.id")
    dashboard = admin.get("/staf/dasbor").get_data(as_text=True)
    csv_text = admin.get("/staf/dasbor.csv").get_data(as_text=True)
    assert "WBSM.01" not in dashboard and "WBSM.01" not in csv_text
    assert 'data-channel="portal"' not in dashboard  # its channel is not counted either
