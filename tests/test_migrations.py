"""The Alembic migrations are the only way the schema is made, and they match the models."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from portal.extensions import db


def test_migrations_apply_on_empty_database_and_match_models(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn)
            assert context.get_current_revision() is not None, "the first run applies migrations"
            diff = compare_metadata(context, db.metadata)
        assert diff == [], diff
        tables = set(inspect(db.engine).get_table_names())
        assert "alembic_version" in tables
        assert set(db.metadata.tables) <= tables


def test_no_schema_without_auto_migrate(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'untouched.db'}", AUTO_MIGRATE=False)
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []


@pytest.mark.skipif(bool(os.environ.get("PORTAL_TEST_DATABASE_URL")), reason="SQLite only: this run uses PostgreSQL")
def test_sqlite_runs_in_wal_mode(app):
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_alembic_info_lines_only_with_verbose(make_app, tmp_path, capfd, monkeypatch):
    import sys

    import click

    def start(name: str, *argv: str) -> str:
        monkeypatch.setattr(sys, "argv", ["flask", "--app", "app", *argv])
        with click.Context(click.Command(argv[0])):  # as under the flask command
            make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / name}")
        return capfd.readouterr().err

    assert "Running upgrade" not in start("quiet.db", "routes")
    assert "Running upgrade" in start("verbose.db", "db", "history", "--verbose")


def test_0025_stores_mailed_tickets_under_the_catalog_key(make_app, tmp_path):
    """Tickets ingest wrote as "e-mail" join the catalog's "email" channel (one dashboard row)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.staff.conftest import new_ticket

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}", AUTO_MIGRATE=False)
    with app.app_context():
        upgrade(revision="0024")
    reference = new_ticket(app)
    with app.app_context():
        db.session.execute(text("UPDATE ticket SET channel = 'e-mail' WHERE reference = :r"), {"r": reference})
        db.session.commit()
        upgrade()
        channel = db.session.execute(text("SELECT channel FROM ticket WHERE reference = :r"), {"r": reference})
        assert channel.scalar() == "email"
