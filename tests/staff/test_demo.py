"""``flask demo seed``: example staff with one-time passwords and tickets of every kind; never twice."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.tickets.models import Survey, Ticket, TicketEvent


def test_seed_creates_staff_and_varied_tickets_once(app, runner):
    result = runner.invoke(args=["demo", "seed", "--tickets", "120", "--seed", "7"])
    assert result.exit_code == 0, result.output
    accounts = re.findall(r"^  (\S+@demo\.hai-djpb\.example)\s+(\w+)\s+(.+?)\s+(\S+)$", result.output, re.M)
    units = {unit for _, role, unit, _ in accounts if role == "ketua"}
    assert len(units) == 7 and {unit for _, role, unit, _ in accounts if role == "agen"} == units
    assert sum(role == "admin" for _, role, _, _ in accounts) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == len(accounts)
        tickets = db.session.scalars(select(Ticket)).all()
        assert len(tickets) == 120
        # Every state of the workflow shows up (a broadcast may also be awaiting its approval).
        assert {"baru", "diproses", "menunggu-pengguna", "selesai", "ditutup"} <= {t.status for t in tickets}
        assert len({t.channel for t in tickets}) >= 5 and len({t.service_code for t in tickets}) >= 8
        assert "WBSM.01" not in {t.service_code for t in tickets}
        resolved = [t for t in tickets if t.resolved_at is not None]
        norms = {s.code: s.max_hours for s in app.extensions["catalog"].services}
        assert any(t.resolved_hours <= norms[t.service_code] for t in resolved)
        assert any(t.resolved_hours > norms[t.service_code] for t in resolved)
        assert any(t.paused_hours > 0 for t in resolved)  # waited on the requester
        ages = sorted(t.received_at for t in tickets)
        assert (ages[-1] - ages[0]).days > 60  # spread over the last 90 working days
        assert db.session.scalar(select(func.count()).select_from(Survey)) > 0
        actors = db.session.scalars(select(TicketEvent.actor_id).where(TicketEvent.kind == "status")).all()
        assert any(actors)
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 1 and "sudah ada" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 120
    email, _, _, password = next(a for a in accounts if a[1] == "ketua" and a[2] == "Direktorat SITP")
    client = app.test_client()
    assert client.post("/staf/masuk", data={"email": email, "password": password}).status_code == 303
    assert client.get("/staf/dasbor").status_code == 200


def test_seed_runs_the_siap_key_ceremony_so_complaints_are_accepted(app, runner):
    from portal.siap import members
    from portal.siap import service as siap

    with app.app_context():
        assert not siap.accepting(db.session)
    result = runner.invoke(args=["demo", "seed", "--tickets", "0"])
    assert result.exit_code == 0, result.output
    assert "SIAP menerima pengaduan" in result.output
    with app.app_context():
        assert siap.accepting(db.session)
        roster = {row.user.email: row.state for row in members.roster(db.session)}
        assert roster == {"ketua.sekretariat-djpb@demo.hai-djpb.example": "aktif",
                          "agen.sekretariat-djpb@demo.hai-djpb.example": "aktif"}


@pytest.mark.parametrize("setting", [{"PREFERRED_URL_SCHEME": "https"}, {"AUTO_MIGRATE": False}])
def test_seed_is_refused_in_production(make_app, setting):
    from portal.siap import service as siap

    app = make_app(**setting)
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--tickets", "0"])
    assert result.exit_code == 1 and "produksi" in result.output
    if not app.config["AUTO_MIGRATE"]:
        return  # no tables either: refused before anything was read or written
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert not siap.accepting(db.session)


def test_nothing_seeds_on_its_own(app):
    # A fresh start (migrations, FAQ import) creates no demo account and no unit key.
    from portal.siap import service as siap

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert not siap.accepting(db.session)


def test_seeded_request_data_passes_the_forms_own_checks(app, runner):
    """Each demo value has the shape its form asks for (a 15-digit "kode satker" taught the wrong thing)."""
    from werkzeug.datastructures import MultiDict

    from portal.tickets.forms import form_class
    from portal.tickets.types import request_types

    assert runner.invoke(args=["demo", "seed", "--tickets", "60", "--seed", "3"]).exit_code == 0
    with app.test_request_context():
        types = {t.key: t for t in request_types()}
        catalog = app.extensions["catalog"]
        checked = set()
        for ticket in db.session.scalars(select(Ticket)):
            if not ticket.data or ticket.request_type not in types:
                continue
            form_type = form_class(types[ticket.request_type], catalog.user_types)
            form = form_type(formdata=MultiDict(ticket.data), meta={"csrf": False})
            form.validate()
            wrong = {name: form[name].errors for name in ticket.data if form[name].errors}
            assert not wrong, (ticket.request_type, ticket.data, wrong)
            checked |= set(ticket.data)
        assert {"kode_satker", "npwp"} & checked, "the seed made requests with numbered fields"

