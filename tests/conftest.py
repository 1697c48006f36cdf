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
            "ARGON2_MEMORY_KIB": 1024,  # production-strength hashing is slow by design
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


@pytest.fixture
def make_user(app):
    """Create an account in ``app``'s database; returns its id."""
    from portal.auth import service
    from portal.extensions import db

    def factory(
        email="agen@kemenkeu.go.id",
        role="agen",
        units=("Direktorat SITP",),
        password="kata-sandi-rahasia-1",
        name="Petugas Uji",
        user_type=None,
    ):
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

    return factory


@pytest.fixture
def login(client):
    """Sign a test client in with e-mail and password."""

    def do(email="agen@kemenkeu.go.id", password="kata-sandi-rahasia-1", c=None):
        return (c or client).post("/staf/masuk", data={"email": email, "password": password})

    return do
