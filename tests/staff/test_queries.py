"""No N+1 queries: the statements a back-office page runs do not grow with the number of tickets."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select

from portal.extensions import db
from portal.tickets.models import Survey, Ticket
from tests.staff.conftest import FRIDAY_3PM, new_ticket, signed_in


@pytest.fixture
def app(make_app):
    """Figures never cached, so every dashboard request runs its queries.

    The FAQ's follow check (one counter read at most every ``FAQ_FOLLOW_SECONDS``) depends on
    the time between requests, not on the number of tickets: it is left out of the count.
    """
    return make_app(NOW=FRIDAY_3PM, DASHBOARD_CACHE_SECONDS=0, FAQ_FOLLOW_SECONDS=3600)


def add_tickets(app, template_ref: str, n: int, start: int) -> None:
    """Copy a ticket ``n`` times with mixed statuses, times, channels and surveys (bulk insert)."""
    with app.app_context():
        t = db.session.scalars(select(Ticket).where(Ticket.reference == template_ref)).one()
        base = {c.key: getattr(t, c.key) for c in Ticket.__table__.columns if c.key != "id"}
        rows = []
        for i in range(start, start + n):
            received = t.received_at - timedelta(days=i % 120)
            row = {
                **base,
                "reference": f"HAI-2611-Q{i:07d}",
                "channel": ("portal", "email", "whatsapp", "call_center")[i % 4],
                "code": ("CRSM.01", "ITSM.02", "ITSM.01.01")[i % 3],
                "service_code": ("CRSM.01", "ITSM.02", "ITSM.01")[i % 3],
                "received_at": received,
                "due_at": received + timedelta(days=2),
                "status": ("baru", "diproses", "menunggu-pengguna", "selesai", "ditutup")[i % 5],
                "resolved_at": None,
                "resolved_hours": None,
                "paused_at": received if i % 5 == 2 else None,
            }
            if row["status"] in ("selesai", "ditutup"):
                row.update(resolved_at=received + timedelta(days=1), resolved_hours=float(i % 30))
            rows.append(row)
        db.session.execute(insert(Ticket), rows)
        mine = [r["reference"] for r in rows]
        ids = db.session.scalars(select(Ticket.id).where(Ticket.reference.in_(mine), Ticket.resolved_at.is_not(None)))
        surveys = [{"ticket_id": tid, "rating": 1 + tid % 5, "comment": "", "created_at": FRIDAY_3PM} for tid in ids]
        db.session.execute(insert(Survey), [s for s in surveys if s["ticket_id"] % 2])
        db.session.commit()


@contextmanager
def counting(app):
    """Collect the SQL statements executed meanwhile."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_for(app, client, path: str) -> list[str]:
    client.get(path)  # warm: the calendar cache and the like are loaded once per process
    with counting(app) as statements:
        assert client.get(path).status_code == 200
    return list(statements)


@pytest.mark.parametrize(
    "path", ["/staf/", "/staf/?antrian=semua", "/staf/?antrian=terlambat", "/staf/dasbor", "/staf/dasbor.csv"]
)
def test_statement_count_does_not_grow_with_tickets(app, people, path):
    template = new_ticket(app)
    add_tickets(app, template, 9, 0)  # 10 tickets
    lead = signed_in(app, "ketua@kemenkeu.go.id")
    few = statements_for(app, lead, path)
    add_tickets(app, template, 50, 100)  # 60 tickets: more than a page of the queue
    many = statements_for(app, lead, path)
    assert len(many) == len(few), (path, few, many)
    assert len(few) <= 8, few


def test_dashboard_uses_a_handful_of_aggregate_queries(app, people):
    template = new_ticket(app)
    add_tickets(app, template, 200, 0)
    lead = signed_in(app, "ketua@kemenkeu.go.id")
    statements = statements_for(app, lead, "/staf/dasbor")
    tickets = [s for s in statements if "FROM ticket" in s]
    assert len(tickets) == 4 and all("GROUP BY" in s for s in tickets), tickets
