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
