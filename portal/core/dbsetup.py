"""Database engine tuning and the automatic migration run of the embedded default."""

from __future__ import annotations

import fcntl
import logging
import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import event

from portal.core.files import ensure_private_file, private_dir, private_opener
from portal.extensions import db


def init_app(app: Flask) -> None:
    """Turn on WAL and foreign keys for every SQLite connection the app opens.

    SQLite database files are created here, empty and with mode 0600, before any connection
    opens them: SQLite would create them 0644 under the usual umask.
    """
    with app.app_context():
        for engine in db.engines.values():  # every bind, e.g. SIAP's own database
            if engine.dialect.name == "sqlite":
                _precreate(engine.url)
                event.listen(engine, "connect", _sqlite_pragmas)


def _precreate(url) -> None:
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:") or "uri" in url.query:
        return  # in memory, or a URI whose flags SQLite interprets itself
    path = Path(name)
    private_dir(path.parent)
    ensure_private_file(path)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers and the writer of two gunicorn workers work side by side;
    # busy_timeout makes a writer wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


MIGRATION_LOGGERS = ("alembic", "flask_migrate")


def migration_logs_verbose(app: Flask) -> bool:
    """Tell whether Alembic's INFO lines should show: ``--verbose`` on a ``flask`` command, or the setting.

    Every ``flask`` command starts the application, which applies pending migrations; their
    "Running upgrade …" lines are noise there. ``MIGRATIONS_VERBOSE`` turns them on anywhere.
    """
    if app.config.get("MIGRATIONS_VERBOSE"):
        return True
    return click.get_current_context(silent=True) is not None and "--verbose" in sys.argv[1:]


def quiet_migration_logs(app: Flask) -> None:
    """Raise Alembic's loggers to WARNING unless verbose (called by the Alembic environment)."""
    level = logging.INFO if migration_logs_verbose(app) else logging.WARNING
    for name in MIGRATION_LOGGERS:
        logging.getLogger(name).setLevel(level)


def upgrade_database(app: Flask) -> None:
    """Apply pending Alembic migrations, one process at a time.

    Several gunicorn workers may start together; a file lock in the instance folder
    makes them take turns, and the later ones find nothing left to do.
    """
    from flask_migrate import upgrade

    lock_path = Path(app.instance_path) / ".migrate.lock"
    with open(lock_path, "a", opener=private_opener) as lock, app.app_context():
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            upgrade()
            # Features with a database of their own register their Alembic environment here.
            for directory in app.extensions.get("extra_migrations", ()):
                upgrade(directory=directory)
            # Features that fill tables on the first start (the FAQ baseline) do it under the
            # same lock, so two workers starting together never both do it.
            for hook in app.extensions.get("after_migrate", ()):
                hook(app)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def dispose_engines(app: Flask) -> None:
    """Close pooled connections (tests call this so no connection outlives its app)."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
