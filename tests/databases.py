"""Test databases that start at the migrations' head: cloned from a template migrated once per worker.

Every test app used to run all the Alembic migrations on an empty database at its first start:
about 0.5 s on SQLite and 0.7 s on PostgreSQL, a third of the suite's time. Now each pytest worker
migrates one template per database (the desk's and SIAP's) and every test app gets a copy:

- **SQLite**: the template files are copied into the app's instance folder (SQLite's backup API);
- **PostgreSQL**: ``CREATE DATABASE … TEMPLATE``, made ahead by background threads.

The app still starts as usual: Alembic finds nothing to apply, and the first-start hooks (the FAQ
baseline, which depends on the app's clock) run on the copy as they do on a fresh install. A copy
gets its own FAQ index epoch, as a freshly migrated database would, because test apps share one
search index folder and the epoch is what tells one database's index apart from another's.
``tests/test_migrations.py`` still applies every migration to an empty database, and an app built
with ``AUTO_MIGRATE=False`` gets empty databases.
"""

from __future__ import annotations

import os
import queue
import secrets
import sqlite3
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from portal import create_app
from portal.core.dbsetup import dispose_engines

DRAINERS = 4  # connections that drop the databases left at the end of a run, side by side
NEW_EPOCH = "UPDATE faq_sequence SET epoch = :epoch"  # what migration 0021 gives each new database


def build_template(main_url: str, siap_url: str) -> None:
    """Migrate the two (empty) databases to head, without the first-start hooks' content."""
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="portal-template-"),
            "SQLALCHEMY_DATABASE_URI": main_url,
            "SQLALCHEMY_BINDS": {"siap": siap_url},
            "FAQ_IMPORT_ON_START": False,
        }
    )
    dispose_engines(app)


class SqliteTemplate:
    """A migrated ``portal.db`` and ``siap.db``, copied into instance folders that have none yet."""

    def __init__(self, folder: Path):
        self.folder = folder
        build_template(f"sqlite:///{folder / 'portal.db'}", f"sqlite:///{folder / 'siap.db'}")

    def copy_into(self, instance: Path, main: bool, siap: bool) -> None:
        """Give ``instance`` the template's databases (``main``, ``siap``) it does not have yet."""
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        for wanted, name in ((main, "portal.db"), (siap, "siap.db")):
            target = instance / name
            if not wanted or target.exists():
                continue
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))  # private, as the app makes it
            with sqlite3.connect(self.folder / name) as source, sqlite3.connect(target) as copy:
                source.backup(copy)  # consistent even with WAL, unlike copying the file
                if name == "portal.db":
                    copy.execute(NEW_EPOCH.replace(":epoch", "?"), (uuid.uuid4().hex,))
            source.close()
            copy.close()


class FreshDatabases:
    """PostgreSQL databases cloned from a template, made ahead by background threads; each handed out once.

    ``server_url`` names an existing database that a role with CREATEDB can connect to. Every
    database handed out is new (``CREATE DATABASE test_<random> TEMPLATE …``) and is dropped once
    its app is done with it. CREATE DATABASE takes a few tenths of a second, mostly waiting, so two
    threads keep a few ready, and a third drops the used ones, while the tests run.
    ``prepare`` is run in each new database (the desk's gets a new FAQ epoch).
    """

    def __init__(self, server_url: str, template: str, prepare: str | None = None, spares: int = 4, makers: int = 2):
        self.url = make_url(server_url)
        self.template = template
        self.prepare = prepare
        # Kept connections (a pool, not one per statement): a CREATE or DROP is then one round
        # trip, not a login too. These threads share the GIL with the running tests, and a dropper
        # that logged in for every DROP fell behind (120-140 undropped after a quarter of the suite).
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=DRAINERS, max_overflow=makers + 1)
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

    def url_of(self, name: str) -> str:
        """The connection URL of database ``name`` on this server, password included."""
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None) -> str:
        """Create a database now, a copy of ``template`` or empty; return its name."""
        name = f"test_{secrets.token_hex(6)}"
        # Two copies of one template at once fail ("source database is being accessed by other
        # users"): CREATE DATABASE holds the template while it copies. One at a time per template.
        with _template_locks.setdefault(template or "", threading.Lock()):
            self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        if template and self.prepare:
            engine = create_engine(self.url_of(name), poolclass=NullPool)
            with engine.begin() as conn:
                conn.execute(text(self.prepare), {"epoch": uuid.uuid4().hex})
            engine.dispose()
        return name

    def _make(self) -> None:
        try:
            while not self.closing.is_set():
                name = self.create(self.template)
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

    def take(self, empty: bool = False) -> tuple[str, str]:
        """Return the name and URL of a database nobody has used: migrated, or ``empty``."""
        if empty:
            name = self.create(None)
            return name, self.url_of(name)
        while True:
            if self.failure is not None:
                raise RuntimeError(f"test databases on {self.url!r} failed") from self.failure
            try:
                name = self.ready.get(timeout=0.5)
            except queue.Empty:
                continue
            return name, self.url_of(name)

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
        """Stop making databases, drop the used ones, the spares and the template; raise what went wrong."""
        self.closing.set()
        for thread in self.threads:
            thread.join()
        left = [*_emptied(self.used), *_emptied(self.ready)]
        self.used.put(None)
        self.dropper.join()
        # What the dropper had not reached yet goes several at a time: at the end of a run the
        # backlog was the slowest test's "teardown" (over a minute on the PostgreSQL pass).
        with ThreadPoolExecutor(DRAINERS) as drainers:
            list(drainers.map(self.drop, left))
        self.drop(self.template)
        self.admin.dispose()
        if self.failure is not None:
            raise RuntimeError(f"test databases on {self.url!r} failed") from self.failure


_template_locks: dict[str, threading.Lock] = {}


def _emptied(names: queue.Queue) -> list:
    """Take everything a queue holds now, without waiting."""
    taken = []
    while True:
        try:
            taken.append(names.get_nowait())
        except queue.Empty:
            return taken


def postgres_pools(main_url: str | None, siap_url: str | None) -> dict[str, FreshDatabases]:
    """Migrate a template on each server named, then start making copies of it (once per run).

    The result maps ``"main"`` and ``"siap"`` to their pools; a database without a server URL
    stays SQLite in the app's instance folder.
    """
    scratch = Path(tempfile.mkdtemp(prefix="portal-template-"))
    urls = {"main": f"sqlite:///{scratch / 'portal.db'}", "siap": f"sqlite:///{scratch / 'siap.db'}"}
    templates = {}
    for key, server in (("main", main_url), ("siap", siap_url)):
        if server:
            templates[key] = f"test_tpl_{secrets.token_hex(6)}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{templates[key]}"'))
            admin.dispose()
            urls[key] = make_url(server).set(database=templates[key]).render_as_string(hide_password=False)
    build_template(urls["main"], urls["siap"])
    pools = {}
    if main_url:
        pools["main"] = FreshDatabases(main_url, templates["main"], prepare=NEW_EPOCH)
    if siap_url:
        pools["siap"] = FreshDatabases(siap_url, templates["siap"])
    return pools
