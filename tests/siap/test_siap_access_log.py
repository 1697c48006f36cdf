"""A SIAP visit, with every asset it loads and in every spelling the router accepts, leaves no
access-log line: under gunicorn as the README runs it (``--access-logfile``), and under
Werkzeug's development server.
"""

from __future__ import annotations

import http.client
import logging
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from portal.core.paths import decoded
from portal.siap import privacy
from tests.servers import gunicorn_server, server_env
from tests.siap.conftest import MEMBER_PASSWORD

AGENT = f"Mozilla/5.0 (uji-log {secrets.token_hex(6)})"
# Spellings of SIAP paths that servers hand to the application (issue 13, S4).
VARIANTS = [
    "//siap/lapor",
    "/./siap/masuk",
    "/%2Fsiap/lapor",
    "/SIAP/lapor/",
    "/siap/lapor/",
    "/siap//lapor",
    "/%2fSIAP%2flapor",
    "/siap%2Flapor",
    "/x/../siap/masuk",
    "/Siap",
    "/siap/lapor?x=1",
    "/%252Fsiap/lapor",
]
REQUEST = re.compile(r'"(?:\S*?)([A-Z]+) (\S+) HTTP/[0-9.]+')


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.body.decode("utf-8", "replace"), "html.parser")


@dataclass
class Browser:
    """A minimal HTTP/1.1 client that sends paths exactly as given and keeps cookies."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    sent: list[str] = field(default_factory=list)
    assets: set[str] = field(default_factory=set)
    answers: dict[str, Answer] = field(default_factory=dict)

    def send(self, method: str, target: str, fields: dict | None = None, files: list | None = None) -> Answer:
        headers = {"User-Agent": AGENT, "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None or files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in (fields or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
            for name, filename, data in files or []:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: application/octet-stream\r\n\r\n".encode()
                    + data
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, target, body=body, headers=headers)
        response = conn.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        conn.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        self.sent.append(target)
        self.answers[f"{method} {target}"] = answer
        return answer

    def visit(self, target: str) -> Answer:
        """GET a page and every asset its HTML references, as a browser loading it would."""
        page = self.send("GET", target)
        if page.headers.get_content_type() == "text/html":
            soup = page.soup()
            assets = [t["href"] for t in soup.find_all("link", href=True)]
            assets += [t["src"] for t in soup.find_all(src=True)]
            for asset in assets:
                self.assets.add(asset)
                assert self.send("GET", asset).status == 200, asset
        return page


def walk(port: int) -> set[str]:
    """Use every SIAP page as a reporter and as a member; return the assets they loaded.

    The only request outside SIAP is the member's sign-in (``POST /staf/masuk``).
    """
    reporter = Browser(port)
    for target in ("/siap", "/siap/lapor", "/siap/masuk", "/siap/tidak-ada", "/siap/sekretariat", "/siap/resi"):
        reporter.visit(target)
    form = reporter.visit("/siap/lapor").soup()
    fields = {
        "kategori": "layanan",
        "peristiwa": "Petugas meminta imbalan",
        "uraian": "Kronologi",
        "anonim": "y",
        "kunci": form.find("input", attrs={"name": "kunci"})["value"],
    }
    filed = reporter.send("POST", "/siap/lapor", fields, [("berkas", "bukti.pdf", b"%PDF-1.4 bukti")])
    assert filed.status == 303 and filed.headers["Location"].endswith("/siap/resi"), filed.status
    assert reporter.send("POST", "/siap/lapor", fields).status == 303  # the same form again
    receipt = reporter.visit("/siap/resi").soup().select_one(".siap-receipt-code").get_text(strip=True)
    assert "sudah ditampilkan" in reporter.visit("/siap/resi").body.decode()
    thread = reporter.visit("/siap/laporan")
    assert reporter.send("POST", "/siap/laporan/pesan", {"pesan": "Tambahan"}).status == 303
    reporter.visit("/siap/laporan?ok=pesan")
    download = thread.soup().select_one(".siap-files a")["href"]
    assert reporter.send("GET", download).body == b"%PDF-1.4 bukti"
    assert reporter.send("POST", "/siap/keluar", {}).status == 303
    again = Browser(port)
    assert again.send("POST", "/siap/masuk", {"resi": "0000-0000-0000-0000-0000"}).status == 401
    assert again.send("POST", "/siap/masuk", {"resi": receipt}).status == 303
    assert again.send("POST", "//siap/masuk", {"resi": "1111-1111-1111-1111-1111"}).status in (401, 308)
    for target in VARIANTS:
        again.visit(target)
    for target in ("//siap/lapor", "/%2Fsiap/lapor"):  # a complaint filed through a slipped spelling
        page = again.visit(target).soup()
        key = page.find("input", attrs={"name": "kunci"})["value"]
        assert again.send("POST", target, {**fields, "kunci": key}).status == 303

    member = Browser(port)
    signed_in = member.send("POST", "/staf/masuk", {"email": "sekretariat@kemenkeu.go.id", "password": MEMBER_PASSWORD})
    assert signed_in.status == 303, signed_in.status
    member.visit("/siap/sekretariat")
    assert member.send("POST", "/siap/sekretariat/buka", {"password": MEMBER_PASSWORD}).status == 303
    inbox = member.visit("/siap/sekretariat").soup()
    links = [a["href"] for a in inbox.select("table a[href*='/pengaduan/']")]
    assert links
    member.visit(links[0])
    member.visit("/siap/sekretariat/audit")

    everything = reporter.sent + again.sent + member.sent
    siap = [t for t in everything if privacy.is_siap_path(t)]
    for browser in (reporter, again, member):
        for request, answer in browser.answers.items():
            if privacy.is_siap_path(request.split(" ", 1)[1]):  # the same headers in every spelling
                assert answer.headers["Cache-Control"].startswith("no-store"), request
                assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'"), request
    assert len(siap) > 35  # pages, forms, downloads and spellings (assets come on top)
    return reporter.assets | again.assets | member.assets


def assert_no_siap_lines(lines: list[str], assets: set[str]) -> None:
    """Only the two non-SIAP requests were logged: no SIAP page, no asset, in any spelling."""
    logged = set()
    for line in lines:
        assert "siap" not in decoded(line).lower(), line
        match = REQUEST.search(line)
        assert match is not None, line
        logged.add(match.group(2))
    assert logged == {"/layanan", "/staf/masuk"}, logged
    # Belt and braces: the assets themselves are all under /siap (so the filter covers them).
    assert assets and all(privacy.is_siap_path(a) for a in assets), assets


def _gunicorn_env(app) -> dict[str, str]:
    import json

    cfg = app.config
    return server_env(
        {
            "PORTAL_INSTANCE_PATH": app.instance_path,
            "PORTAL_TESTING": "true",
            "PORTAL_WTF_CSRF_ENABLED": "false",
            "PORTAL_SIAP_ARGON2_MEMORY_KIB": str(cfg["SIAP_ARGON2_MEMORY_KIB"]),
            "PORTAL_SIAP_ARGON2_OPS": str(cfg["SIAP_ARGON2_OPS"]),
            "PORTAL_KB_INDEX_PATH": cfg["KB_INDEX_PATH"],
            "PORTAL_SQLALCHEMY_DATABASE_URI": cfg["SQLALCHEMY_DATABASE_URI"],
            "PORTAL_SQLALCHEMY_BINDS": json.dumps(cfg["SQLALCHEMY_BINDS"]),
        }
    )


def test_gunicorn_access_log_has_no_line_for_any_siap_request(app, member, tmp_path):
    log = tmp_path / "access.log"
    with gunicorn_server(
        _gunicorn_env(app), tmp_path / "error.log", access_log=log, headers={"User-Agent": AGENT}
    ) as port:
        assets = walk(port)
    lines = log.read_text().splitlines()
    assert any('"GET /layanan HTTP/1.1"' in line and AGENT in line for line in lines), "the access log works"
    assert_no_siap_lines(lines, assets)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_werkzeug_dev_server_logs_no_line_for_any_siap_request(app, member):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    logger = logging.getLogger("werkzeug")
    handler, level = _Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert Browser(server.port).send("GET", "/layanan").status == 200
        assets = walk(server.port)
    finally:
        server.shutdown()
        thread.join()
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [line for line in handler.lines if "HTTP/" in line]
    assert any('"GET /layanan HTTP/1.1"' in line for line in lines), "the development server logs"
    assert_no_siap_lines(lines, assets)
