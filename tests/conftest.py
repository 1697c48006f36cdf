"""Shared fixtures: one application per test, with its own instance folder."""

from __future__ import annotations

import email
import functools
import os
import queue
import secrets
import threading
import tomllib
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from portal import create_app
from portal.core.dbsetup import dispose_engines

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


class FreshDatabases:
    """Empty PostgreSQL databases, made ahead by background threads; each is handed out once.

    ``server_url`` names an existing database that a role with CREATEDB can connect to. Every
    database handed out is new (``CREATE DATABASE test_<random>``) and is dropped once its app
    is done with it. CREATE DATABASE takes a few tenths of a second, mostly waiting, so two
    threads keep a few ready, and a third drops the used ones, while the tests run.
    """

    def __init__(self, server_url: str, spares: int = 4, makers: int = 2):
        self.url = make_url(server_url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.ready: queue.Queue[str] = queue.Queue(maxsize=spares)
        self.used: queue.Queue[str | None] = queue.Queue()
        self.closing = threading.Event()
        self.failure: BaseException | None = None
        self.threads = [threading.Thread(target=self._make, name="fresh-db", daemon=True) for _ in range(makers)]
        self.dropper = threading.Thread(target=self._drop_used, name="used-db", daemon=True)
        for thread in (*self.threads, self.dropper):
            thread.start()

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def _make(self) -> None:
        try:
            while not self.closing.is_set():
                name = f"test_{secrets.token_hex(6)}"
                self._execute(f'CREATE DATABASE "{name}"')
                while not self._offer(name):
                    if self.closing.is_set():
                        self.drop(name)
                        return
        except Exception as exc:  # raised again in the test that asks next
            self.failure = exc

    def _offer(self, name: str) -> bool:
        try:
            self.ready.put(name, timeout=0.1)
        except queue.Full:
            return False
        return True

    def _drop_used(self) -> None:
        while (name := self.used.get()) is not None:
            try:
                self.drop(name)
            except Exception as exc:  # reported when the run ends
                self.failure = exc

    def take(self) -> tuple[str, str]:
        """Return the name and URL of a database nobody has used."""
        while True:
            if self.failure is not None:
                raise RuntimeError(f"test databases on {self.url!r} failed") from self.failure
            try:
                name = self.ready.get(timeout=0.5)
            except queue.Empty:
                continue
            return name, self.url.set(database=name).render_as_string(hide_password=False)

    def release(self, name: str) -> None:
        """Hand back a database its app no longer uses (engines disposed); it is dropped soon."""
        self.used.put(name)

    def drop(self, name: str) -> None:
        """Drop a database; end the connections a test left open, if any (its own role's only)."""
        try:
            self._execute(f'DROP DATABASE IF EXISTS "{name}"')
        except OperationalError:  # "being accessed by other users"
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        """Stop making databases, drop the used ones and the spares; raise what went wrong."""
        self.closing.set()
        for thread in self.threads:
            thread.join()
        self.used.put(None)
        self.dropper.join()
        while not self.ready.empty():
            self.drop(self.ready.get())
        self.admin.dispose()
        if self.failure is not None:
            raise RuntimeError(f"test databases on {self.url!r} failed") from self.failure


_fresh_databases: dict[str, FreshDatabases] = {}


@pytest.fixture(scope="session", autouse=True)
def _stop_making_databases():
    """At the end of a PostgreSQL run, drop what is left of the test databases."""
    yield
    while _fresh_databases:
        _fresh_databases.popitem()[1].close()


def _fresh_database(server_url: str, cleanups: list) -> str:
    """Take a fresh database on ``server_url``'s server; register its release; return its URL."""
    if server_url not in _fresh_databases:
        _fresh_databases[server_url] = FreshDatabases(server_url)
    maker = _fresh_databases[server_url]
    name, url = maker.take()
    cleanups.append(lambda: maker.release(name))
    return url


def database_overrides(overrides: dict, cleanups: list) -> dict:
    """Database settings for one test app: SQLite in its instance folder unless told otherwise.

    With ``PORTAL_TEST_DATABASE_URL`` (and ``PORTAL_TEST_SIAP_DATABASE_URL`` for the SIAP bind)
    set, as ``.ci/run`` does for its PostgreSQL pass, each app gets fresh databases of its own
    instead, dropped at teardown after its engines are disposed, so tests stay as isolated as
    with per-test SQLite files. A test that names its own database keeps it.
    """
    config = {}
    main_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if main_url and "SQLALCHEMY_DATABASE_URI" not in overrides:
        config["SQLALCHEMY_DATABASE_URI"] = _fresh_database(main_url, cleanups)
    siap_url = os.environ.get("PORTAL_TEST_SIAP_DATABASE_URL")
    binds = dict(overrides.get("SQLALCHEMY_BINDS") or {})
    if siap_url and "siap" not in binds:
        config["SQLALCHEMY_BINDS"] = {**binds, "siap": _fresh_database(siap_url, cleanups)}
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
        config.update(database_overrides(overrides, cleanups))
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
