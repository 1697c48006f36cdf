"""The audit log itself: one service function, same transaction, app clock, append-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.audit import service as audit
from portal.audit.models import AuditEntry
from portal.audit.setup import AppendOnlyError
from portal.extensions import db

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@pytest.fixture
def app(make_app):
    """An app with a frozen clock."""
    return make_app(NOW=NOW)


def _add(**changes):
    values = {
        "actor_id": 7,
        "action": "canned.update",
        "object_type": "canned_reply",
        "object_id": 3,
        "before": {"title": "Lama"},
        "after": {"title": "Baru"},
        "summary": "Judul diubah",
    } | changes
    return audit.record(db.session, **values)


def test_record_writes_actor_app_time_object_and_before_after(app):
    with app.app_context():
        _add(before={"when": datetime(2026, 1, 2, tzinfo=UTC), "units": ("A", "B")})
        db.session.commit()
        entry = db.session.scalars(select(AuditEntry)).one()
        assert (entry.actor_id, entry.action) == (7, "canned.update")
        assert (entry.object_type, entry.object_id) == ("canned_reply", "3")
        assert entry.at == NOW  # the app clock, not the machine's
        assert entry.before == {"when": "2026-01-02T00:00:00+00:00", "units": ["A", "B"]}
        assert entry.after == {"title": "Baru"} and entry.summary == "Judul diubah"


def test_record_commits_and_rolls_back_with_the_caller(app):
    with app.app_context():
        _add()
        db.session.rollback()  # the change failed: its entry goes with it
        assert db.session.scalars(select(AuditEntry)).all() == []


def test_orm_refuses_update_and_delete(app):
    with app.app_context():
        entry = _add()
        db.session.commit()
        entry.summary = "ditulis ulang"
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry.id))
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(AuditEntry, entry.id).summary == "Judul diubah"


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET summary = 'x'", "DELETE FROM audit_entry"])
def test_database_refuses_update_and_delete(app, statement):
    with app.app_context():
        _add()
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert db.session.scalars(select(AuditEntry.summary)).all() == ["Judul diubah"]


def test_changed_keeps_only_what_differs():
    before, after = audit.changed({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4})
    assert before == {"b": 2, "c": None} and after == {"b": 3, "c": 4}
