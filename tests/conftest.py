"""Shared fixtures: one application per test, with its own instance folder."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from portal import create_app
from portal.core.dbsetup import dispose_engines

CATALOG_FILE = Path(__file__).resolve().parent.parent / "portal" / "catalog" / "katalog-2023.0.toml"


@pytest.fixture(scope="session")
def catalog_data() -> dict:
    """The raw catalog data file, to compare pages and exports against."""
    with open(CATALOG_FILE, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory) -> str:
    """One search index folder for the whole run: built once, reused while content is unchanged."""
    return str(tmp_path_factory.mktemp("kb_index"))


@pytest.fixture
def make_app(tmp_path, shared_index):
    """Build apps with a private instance folder; dispose their engines afterwards."""
    apps = []

    def factory(**overrides):
        config = {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / f"instance{len(apps)}"),
            "KB_INDEX_PATH": shared_index,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        dispose_engines(app)


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
