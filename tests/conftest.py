"""Shared fixtures: one application per test, with its own instance folder."""

from __future__ import annotations

import email
import functools
import os
import tempfile
import tomllib
from email import policy
from pathlib import Path

import pytest

from portal import create_app
from portal.core.dbsetup import dispose_engines
from tests.databases import FreshDatabases, SqliteTemplate, postgres_pools

CATALOG_FILE = Path(__file__).resolve().parent.parent / "portal" / "catalog" / "katalog-2023.0.toml"


def outbox(app) -> list[email.message.EmailMessage]:
    """The e-mails written to ``app``'s outbox folder, oldest first."""
    folder = Path(app.instance_path) / "outbox"
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


def add_staff(
    app,
    email="agen@kemenkeu.go.id",
    role="agen",
    units=("Direktorat SITP",),
    password="kata-sandi-rahasia-1",
    name="Petugas Uji",
    user_type=None,
) -> int:
    """Create an account in ``app``'s database (cheap Argon2 settings); returns its id."""
    from portal.auth import service
    from portal.extensions import db

    with app.app_context():
        user = service.create_user(
            db.session,
            email=email,
            name=name,
            role=role,
            password=password,
            units=list(units),
            known_units=service.owner_units(app.extensions["catalog"]),
            user_type=user_type,
            ph=service.hasher(1024),
        )
        return user.id


@pytest.fixture(scope="session")
def catalog_data() -> dict:
    """The raw catalog data file, to compare pages and exports against."""
    with open(CATALOG_FILE, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory) -> str:
    """One search index folder for the whole run: built once, reused while content is unchanged."""
    return str(tmp_path_factory.mktemp("kb_index"))


_pools: dict[str, FreshDatabases] = {}  # "main" and "siap", on the PostgreSQL pass
_sqlite_template: list[SqliteTemplate] = []  # made by the first app of a SQLite run


@pytest.fixture(scope="session", autouse=True)
def _stop_making_databases():
    """At the end of a PostgreSQL run, drop what is left of the test databases and the templates."""
    yield
    while _pools:
        _pools.popitem()[1].close()


def _fresh_database(key: str, empty: bool, cleanups: list) -> str:
    """Take a fresh database from pool ``key``; register its release; return its URL."""
    if not _pools:
        _pools.update(postgres_pools(os.environ.get("PORTAL_TEST_DATABASE_URL"),
                                     os.environ.get("PORTAL_TEST_SIAP_DATABASE_URL")))
    pool = _pools[key]
    name, url = pool.take(empty)
    cleanups.append(lambda: pool.release(name))
    return url


def database_overrides(overrides: dict, cleanups: list) -> dict:
    """Database settings for one test app: SQLite in its instance folder unless told otherwise.

    With ``PORTAL_TEST_DATABASE_URL`` (and ``PORTAL_TEST_SIAP_DATABASE_URL`` for the SIAP bind)
    set, as ``.ci/run`` does for its PostgreSQL pass, each app gets fresh databases of its own
    instead, dropped at teardown after its engines are disposed, so tests stay as isolated as
    with per-test SQLite files. A test that names its own database keeps it. Either way a new
    database is a copy of one migrated at the start of the run (``tests/databases.py``), empty
    only for an app that does not migrate (``AUTO_MIGRATE=False``).
    """
    config = {}
    empty = overrides.get("AUTO_MIGRATE") is False
    main_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if main_url and "SQLALCHEMY_DATABASE_URI" not in overrides:
        config["SQLALCHEMY_DATABASE_URI"] = _fresh_database("main", empty, cleanups)
    siap_url = os.environ.get("PORTAL_TEST_SIAP_DATABASE_URL")
    binds = dict(overrides.get("SQLALCHEMY_BINDS") or {})
    if siap_url and "siap" not in binds:
        config["SQLALCHEMY_BINDS"] = {**binds, "siap": _fresh_database("siap", empty, cleanups)}
    if not empty and "INSTANCE_PATH" in overrides:  # the SQLite databases left in the instance folder
        main = "SQLALCHEMY_DATABASE_URI" not in {**overrides, **config}
        siap = "siap" not in ({**overrides, **config}.get("SQLALCHEMY_BINDS") or {})
        if main or siap:
            if not _sqlite_template:
                _sqlite_template.append(SqliteTemplate(Path(tempfile.mkdtemp(prefix="portal-template-"))))
            _sqlite_template[0].copy_into(Path(overrides["INSTANCE_PATH"]), main, siap)
    return config


@pytest.fixture
def make_app(tmp_path, shared_index):
    """Build apps with a private instance folder; dispose their engines afterwards."""
    apps = []
    cleanups = []

    def factory(**overrides):
        config = {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / f"instance{len(apps)}"),
            "KB_INDEX_PATH": shared_index,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "ARGON2_MEMORY_KIB": 1024,  # production-strength hashing is slow by design
        }
        config.update(overrides)
        config.update(database_overrides(config, cleanups))
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        dispose_engines(app)
    for cleanup in cleanups:
        cleanup()


@pytest.fixture
def app(make_app):
    """The default test application."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for ``app``."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create an account in ``app``'s database; returns its id (see ``add_staff``)."""
    return functools.partial(add_staff, app)


@pytest.fixture
def login(client):
    """Sign a test client in with e-mail and password."""

    def do(email="agen@kemenkeu.go.id", password="kata-sandi-rahasia-1", c=None):
        return (c or client).post("/staf/masuk", data={"email": email, "password": password})

    return do
