"""SIAP's place in the application: segregation, headers, routes, secrets, schema."""

from __future__ import annotations

import ast
import io
import os
import re
import stat
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from portal.core.access import PUBLIC, level_of
from portal.extensions import db
from portal.siap import gates
from tests.siap.conftest import SIAP_TEST_CONFIG, only_ref, sentinel

# On the PostgreSQL pass the SIAP bind is a server database, not a file under instance/.
SQLITE_DEFAULT_ONLY = pytest.mark.skipif(
    bool(os.environ.get("PORTAL_TEST_SIAP_DATABASE_URL")),
    reason="checks the embedded SQLite default; the SQLite pass covers it",
)

ROOT = Path(__file__).resolve().parents[2]
REPORTER_PAGES = ["/siap", "/siap/lapor", "/siap/masuk", "/siap/tidak-ada"]
WORKSPACE_PAGES = ["/siap/sekretariat", "/siap/sekretariat/anggota", "/siap/sekretariat/audit"]


def test_nothing_outside_the_package_imports_siap_models():
    offenders = []
    for path in (ROOT / "portal").rglob("*.py"):
        if (ROOT / "portal" / "siap") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("portal.siap.models") for n in names):
                offenders.append(str(path))
            if any(n.startswith("portal.siap") for n in names) and path != ROOT / "portal" / "__init__.py":
                offenders.append(f"{path} (SIAP is wired in by the app factory only)")
    for path in (ROOT / "templates").rglob("*.html"):
        if "siap" in path.relative_to(ROOT / "templates").parts:
            continue
        if re.search(r"siap/|complaint|pengaduan_siap", path.read_text()):
            offenders.append(str(path))
    assert offenders == []


@SQLITE_DEFAULT_ONLY
def test_models_live_in_their_own_bind_and_database(app):
    from portal.siap import models

    tables = [m.__table__ for m in vars(models).values() if isinstance(m, type) and hasattr(m, "__table__")]
    assert tables and all(t.metadata is db.metadatas["siap"] for t in tables)
    assert not set(db.metadatas["siap"].tables) & set(db.metadata.tables)
    assert app.config["SQLALCHEMY_BINDS"]["siap"] == f"sqlite:///{Path(app.instance_path) / 'siap.db'}"


def test_a_configured_bind_is_respected(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    app = make_app(SQLALCHEMY_BINDS={"siap": url}, **SIAP_TEST_CONFIG)
    assert app.config["SQLALCHEMY_BINDS"]["siap"] == url
    assert (tmp_path / "elsewhere.db").exists() and not (Path(app.instance_path) / "siap.db").exists()


@SQLITE_DEFAULT_ONLY
def test_siap_migrations_create_exactly_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engines["siap"].connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": "siap_alembic_version"})
        assert context.get_current_revision() is not None
        assert compare_metadata(context, db.metadatas["siap"]) == []
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_pepper_is_its_own_secret(app, make_app, tmp_path):
    path = Path(app.instance_path) / "siap_pepper"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pepper = app.extensions["siap"].pepper
    assert pepper == path.read_text().strip().encode() and pepper != app.config["SECRET_KEY"].encode()
    configured = make_app(SIAP_PEPPER="p" * 40, **SIAP_TEST_CONFIG)
    assert configured.extensions["siap"].pepper == b"p" * 40
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app(SIAP_PEPPER="s" * 40, SECRET_KEY="s" * 40, **SIAP_TEST_CONFIG)


def test_production_refuses_weak_key_derivation(make_app):
    default = make_app()
    assert default.extensions["siap"].kdf.memory_kib >= 64 * 1024
    with pytest.raises(RuntimeError, match="64 MiB"):
        make_app(TESTING=False, SIAP_ARGON2_MEMORY_KIB=1024)


def test_every_siap_route_declares_a_siap_level(app):
    public = {"siap.index", "siap.report", "siap.receipt", "siap.login", "siap.logout", "siap_aset.asset"}
    public.add("i18n.switch_quiet")  # the header's language link on SIAP pages (#22)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/siap"):
            continue
        level = level_of(app, rule.endpoint)
        if rule.endpoint in public:
            assert level == PUBLIC
        elif rule.endpoint == "siap_sekretariat.unlock" or rule.endpoint == "siap_sekretariat.lock":
            assert level == gates.MEMBER_LEVEL
        elif rule.endpoint.startswith("siap_sekretariat."):
            assert level == gates.UNLOCKED_LEVEL, rule.endpoint
        else:
            assert level == gates.REPORTER_LEVEL, rule.endpoint


def _assert_siap_headers(response, path):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'"), path
    assert "frame-ancestors 'none'" in csp and "'unsafe" not in csp and "script-src" not in csp
    assert "http" not in csp  # no other host, ever
    assert headers["Cache-Control"].startswith("no-store"), path
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "ETag" not in headers


def test_every_siap_page_carries_the_headers(app, member_client, file_complaint):
    reporter, _ = file_complaint()
    reporter.post("/siap/laporan/pesan", data={"pesan": "lampiran", "berkas": (io.BytesIO(b"x"), "a.txt")})
    ref = only_ref(member_client)
    page = BeautifulSoup(reporter.get("/siap/laporan").get_data(as_text=True), "html.parser")
    file_url = page.select_one(".siap-files a")["href"]
    seen = []
    for client, paths in (
        (reporter, [*REPORTER_PAGES, "/siap/laporan", file_url]),
        (
            member_client,
            [
                *WORKSPACE_PAGES,
                f"/siap/sekretariat/pengaduan/{ref}",
                file_url.replace("/siap/laporan/berkas/", f"/siap/sekretariat/pengaduan/{ref}/berkas/"),
            ],
        ),
        (app.test_client(), ["/siap/laporan", "/siap/sekretariat/buka"]),  # redirect and 404
    ):
        for path in paths:
            response = client.get(path)
            _assert_siap_headers(response, path)
            seen.append(response.status_code)
    posted = reporter.post("/siap/masuk", data={"resi": "salah"})
    _assert_siap_headers(posted, "POST /siap/masuk")
    assert {200, 303, 404} <= set(seen)


@pytest.mark.parametrize("path", [*REPORTER_PAGES, "/siap/laporan"])
def test_siap_pages_load_nothing_from_elsewhere_and_need_no_script(client, path):
    response = client.get(path, follow_redirects=True)
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for tag in page.find_all(["script", "link", "img", "iframe", "source", "form", "a"]):
        for attr in ("src", "href", "action", "srcset"):
            value = tag.get(attr)
            assert not value or not re.match(r"^(https?:)?//", value, re.I), (path, tag)
    assert not page.find("script") and not page.find("style") and not page.select("[style]")
    if response.status_code == 200:  # error pages are covered by the X-Robots-Tag header
        assert page.find("meta", attrs={"name": "robots", "content": re.compile("noindex")})


def test_help_desk_pages_never_show_a_complaint(app, member_client, file_complaint, make_user, login):
    marker = sentinel()
    file_complaint(marker)
    ref = only_ref(member_client)
    make_user(email="admin@kemenkeu.go.id", role="admin", units=("Direktorat SITP",))
    clients = []
    for email in ("admin@kemenkeu.go.id", "sekretariat@kemenkeu.go.id"):
        client = app.test_client()
        login(email, "kata-sandi-rahasia-1" if email.startswith("admin") else "kata-sandi-sekretariat-1", c=client)
        clients.append(client)
    paths = [
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and not r.arguments and not r.rule.startswith(("/siap", "/static"))
    ]
    for client in clients:  # every page first: the searches below are logged, and staff see that log
        for path in paths:
            body = client.get(path).get_data(as_text=True)
            assert marker not in body and ref not in body, path
    for client in clients:
        for query in (marker, ref):  # the search page echoes the query; it must find nothing
            page = BeautifulSoup(client.get(f"/cari?q={query}").get_data(as_text=True), "html.parser")
            assert not page.select(".result")
            assert client.get(f"/api/v1/search?q={query}").get_json()["results"] == []
        page = BeautifulSoup(client.get("/cari?q=imbalan").get_data(as_text=True), "html.parser")
        assert page.select(".result") and not page.select(".result a[href^='/siap/']")
    index = Path(app.config["KB_INDEX_PATH"])
    assert all(marker.encode() not in p.read_bytes() for p in index.rglob("*") if p.is_file())


def test_csrf_protects_the_siap_forms(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, **SIAP_TEST_CONFIG)
    client = app.test_client()
    refused = client.post("/siap/lapor", data={"kategori": "layanan", "peristiwa": "x", "uraian": "y"})
    assert refused.status_code == 400 and "siap-receipt" not in refused.get_data(as_text=True)
    page = BeautifulSoup(client.get("/siap/masuk").get_data(as_text=True), "html.parser")
    token = page.select_one("main form input[name=csrf_token]")["value"]
    assert client.post("/siap/masuk", data={"resi": "salah", "csrf_token": token}).status_code == 401
