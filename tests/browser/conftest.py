"""Browser fixtures: Debian's Chromium driven by Playwright, the portal served from a thread.

One browser for the whole run (launching costs about half a second, a context almost nothing);
one fresh portal per test module, built by ``create_app`` like production: CSRF on, rate limits
on, migrations applied at start-up, on SQLite or on the PostgreSQL that ``.ci/run`` provides.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass

import pytest
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import make_server

from portal import create_app
from portal.core.dbsetup import dispose_engines
from tests.browser.checks import ARTIFACTS, AXE_DIR, AXE_MOUNT, VIEWPORTS, Problems
from tests.browser.support import missing_tool
from tests.conftest import database_overrides

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Return the Chromium to drive: ``$CHROMIUM``, else Debian's ``chromium`` on the PATH."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_env() -> dict[str, str]:
    """The environment Chromium starts with: this one, less libfaketime.

    CI runs a pass with the clock shifted years ahead (faketime) to catch date bombs in the
    portal. Chromium under libfaketime spins its processes at full CPU and times out, so it
    keeps the real clock; the portal it talks to, served from this process, stays shifted.
    """
    faked = {"LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "DONT_FAKE_MONOTONIC"}
    return {key: value for key, value in os.environ.items() if key not in faked}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (no browser download: Debian's package)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("Playwright is not installed: pip install -e '.[test]'")
    executable = find_chromium()
    if executable is None:
        missing_tool("no Chromium found (apt-get install --no-install-recommends chromium, or set CHROMIUM=/path)")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, env=browser_env())
        yield chromium
        chromium.close()


@dataclass
class Site:
    """A portal served over HTTP on 127.0.0.1, with its app for looking into the database."""

    app: object
    base_url: str

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path``."""
        return self.base_url + path


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared_index):
    """A fresh portal for this module, served by werkzeug from a thread on a free port."""
    cleanups: list = []
    overrides = {
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("browser_instance")),
        "KB_INDEX_PATH": shared_index,
        "WTF_CSRF_ENABLED": True,
        "ARGON2_MEMORY_KIB": 1024,
    }
    app = create_app({**overrides, **database_overrides(overrides, cleanups)})
    wsgi = SharedDataMiddleware(app, {AXE_MOUNT: str(AXE_DIR)}, cache_timeout=3600)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="portal-under-test", daemon=True)
    thread.start()
    try:
        yield Site(app=app, base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        dispose_engines(app)
        for cleanup in cleanups:
            cleanup()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh contexts (own cookies) at one of the ``VIEWPORTS``; close them after."""
    contexts = []

    def factory(width: int, *, javascript: bool = True, bypass_csp: bool = False):
        context = browser.new_context(
            viewport=VIEWPORTS[width], java_script_enabled=javascript, bypass_csp=bypass_csp, locale="id-ID"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        return page, Problems.watch(page)

    yield factory
    for context in contexts:
        context.close()
