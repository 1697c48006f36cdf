"""Throw-away PostgreSQL databases for the PostgreSQL scenarios of ``bench/run.py``.

The harness never starts or stops a cluster: it uses one that is running (``pg_lsclusters``), as
the ``portal_test`` role that ``.ci/run`` creates (LOGIN CREATEDB, password ``portal_test``), or
the server named by ``--pg-url`` (a role that may create databases). It creates one database for
the portal and one for the SIAP bind, each ``bench_<random>``, and drops them (``WITH (FORCE)``)
when the run ends. When no server is reachable, ``Unavailable`` says why and the PostgreSQL rows
of the report are SKIPPED with that reason.
"""

from __future__ import annotations

import secrets
import subprocess

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

# The role .ci/run creates for the test suite; it has CREATEDB.
DEFAULT_ROLE = "portal_test:portal_test"


class Unavailable(RuntimeError):
    """No PostgreSQL server to benchmark on (the message says why)."""


def server_url(explicit: str | None = None) -> str:
    """Return the URL of a PostgreSQL server to create databases on: ``explicit`` or a running cluster."""
    if explicit:
        return explicit
    try:
        out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(f"pg_lsclusters failed ({exc}); pass --pg-url") from exc
    clusters = [line.split() for line in out.stdout.splitlines() if len(line.split()) >= 4]
    online = [c for c in clusters if c[3].startswith("online")]
    if not online:
        seen = ", ".join(f"{c[0]}/{c[1]} {c[3]}" for c in clusters) or "none"
        raise Unavailable(f"no PostgreSQL cluster running (pg_lsclusters: {seen}); start one or pass --pg-url")
    return f"postgresql+psycopg://{DEFAULT_ROLE}@127.0.0.1:{online[0][2]}/postgres"


def _admin(url: str, statements: list[str]) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def create_databases(url: str, count: int) -> list[str]:
    """Create ``count`` empty databases on ``url``'s server; return their URLs (password included)."""
    names: list[str] = []
    try:
        for _ in range(count):
            name = f"bench_{secrets.token_hex(5)}"
            _admin(url, [f'CREATE DATABASE "{name}"'])
            names.append(name)
    except SQLAlchemyError as exc:
        if names:  # made before the failure
            drop_databases(url, names)
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        raise Unavailable(f"PostgreSQL at {make_url(url).render_as_string()}: {reason}") from exc
    return [make_url(url).set(database=name).render_as_string(hide_password=False) for name in names]


def drop_databases(url: str, names: list[str]) -> None:
    """Drop the databases (names or URLs) made by ``create_databases``, closing their connections."""
    names = [make_url(n).database if "://" in n else n for n in names]
    try:
        _admin(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names])
    except SQLAlchemyError as exc:
        print(f"warning: could not drop the bench databases {names}: {exc}")
