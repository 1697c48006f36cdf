"""The sub-scope → unit mapping: a labelled, versioned portal mapping that routes new tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.tickets import routing
from portal.tickets.models import Ticket
from portal.tickets.routing_models import UnitMapping
from tests.staff.conftest import WIB, new_ticket, signed_in

KAS = "Direktorat Pengelolaan Kas Negara"


def owner(app, reference: str) -> str:
    with app.app_context():
        return db.session.scalars(select(Ticket.owner_unit).where(Ticket.reference == reference)).one()


def test_new_bcsm_02_02_tickets_reach_the_mapped_directorate(app, people):
    assert owner(app, new_ticket(app, code="BCSM.02.02")) == "Direktorat Teknis DJPb"  # the catalog's owner
    admin = signed_in(app, "admin@kemenkeu.go.id")
    page = admin.get("/staf/admin/pemetaan").get_data(as_text=True)
    assert "Pemetaan portal, bukan bagian dari katalog" in page
    response = admin.post("/staf/admin/pemetaan", data={"pt-code": "BCSM.02.02", "pt-unit": KAS})
    assert response.status_code == 303
    assert owner(app, new_ticket(app, code="BCSM.02.02")) == KAS
    assert owner(app, new_ticket(app, code="BCSM.02.01")) == "Direktorat Teknis DJPb"  # other sub-scopes unchanged
    # The mapped directorate is a unit accounts can join, and its staff see the ticket in their queue.
    assert f'value="{KAS}"' in admin.get("/staf/admin/pengguna").get_data(as_text=True)
    created = admin.post(
        "/staf/admin/pengguna",
        data={"akun-email": "kas@kemenkeu.go.id", "akun-name": "Petugas Kas", "akun-role": "agen", "akun-units": KAS},
    )
    assert created.status_code == 200 and "data-password" in created.get_data(as_text=True)


def test_every_change_is_a_new_version_with_actor_and_time(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    admin.post("/staf/admin/pemetaan", data={"pt-code": "BCSM.02.02", "pt-unit": KAS})
    admin.post("/staf/admin/pemetaan", data={"pt-code": "BCSM.02.02", "pt-unit": KAS})  # no change, no version
    admin.post("/staf/admin/pemetaan", data={"pt-code": "BCSM.02.02", "pt-unit": ""})  # back to the catalog
    with app.app_context():
        rows = db.session.scalars(select(UnitMapping).order_by(UnitMapping.version)).all()
        assert [(r.version, r.unit, r.actor_id) for r in rows] == [(1, KAS, people["admin"]), (2, "", people["admin"])]
        assert all(r.created_at is not None for r in rows)
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "unit_mapping.set")).all()
        assert [e.after["unit"] for e in entries] == [KAS, ""]
    assert owner(app, new_ticket(app, code="BCSM.02.02")) == "Direktorat Teknis DJPb"
    history = admin.get("/staf/admin/pemetaan").get_data(as_text=True)
    assert history.count('data-table="riwayat-pemetaan"') == 1 and KAS in history


def test_a_service_mapping_is_followed_by_its_sub_scopes_and_transfers(app, people):
    admin = signed_in(app, "admin@kemenkeu.go.id")
    admin.post("/staf/admin/pemetaan", data={"pt-code": "BCSM.02", "pt-unit": "Direktorat Pelaksanaan Anggaran"})
    admin.post("/staf/admin/pemetaan", data={"pt-code": "BCSM.02.02", "pt-unit": KAS})
    assert owner(app, new_ticket(app, code="BCSM.02.01")) == "Direktorat Pelaksanaan Anggaran"
    assert owner(app, new_ticket(app, code="BCSM.02.02")) == KAS
    reference = new_ticket(app, code="CRSM.01")
    with app.test_request_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        routing.recategorise(
            db.session(),
            t,
            code="BCSM.02.02",
            actor_id=people["agen"],
            reason="Kas",
            now=datetime(2026, 11, 27, 15, 30, tzinfo=WIB),
        )
    assert owner(app, reference) == KAS


def test_only_administrators_and_only_mappable_codes(app, people):
    lead = signed_in(app, "ketua@kemenkeu.go.id")
    assert lead.get("/staf/admin/pemetaan").status_code == 404
    admin = signed_in(app, "admin@kemenkeu.go.id")
    for code in ("BCSM.04.01", "WBSM.01", "XXXX"):  # a BLU sub-scope names its own unit; SIAP; unknown
        assert admin.post("/staf/admin/pemetaan", data={"pt-code": code, "pt-unit": KAS}).status_code == 422
    assert admin.post("/staf/admin/pemetaan", data={"pt-code": "BCSM.03", "pt-unit": "x" * 81}).status_code == 422
    with app.app_context():
        assert db.session.scalars(select(UnitMapping)).all() == []
