"""Statuses are enum members everywhere: after a form sets one, and after a database round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.siap.models import ComplaintStatus
from portal.tickets.models import Ticket, TicketStatus


def test_a_stored_status_comes_back_as_the_member_with_its_labels(app, submit):
    submit()
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        assert ticket.status is TicketStatus.NEW
        ticket.status = "menunggu-pengguna"  # as a form posts it
        assert ticket.status is TicketStatus.WAITING
        assert (str(ticket.status.label), str(ticket.status.public_label)) == (
            "Menunggu pengguna",
            "Menunggu tanggapan Anda",
        )
        db.session.commit()
        db.session.expire_all()
        assert db.session.scalars(select(Ticket)).one().status is TicketStatus.WAITING


def test_an_unknown_status_is_refused(app, submit):
    submit()
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        with pytest.raises(ValueError):
            ticket.status = "hilang"


def test_complaint_statuses_know_their_path():
    assert ComplaintStatus.REJECTED.steps[-1] is ComplaintStatus.REJECTED
    assert ComplaintStatus.VERIFIED.steps[-1] is ComplaintStatus.DONE
    assert [s for s in ComplaintStatus if s.is_closed] == [ComplaintStatus.DONE, ComplaintStatus.REJECTED]
