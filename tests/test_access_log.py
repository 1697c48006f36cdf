"""No private-link token in an access log: gunicorn (the README's production command) and Werkzeug.

The redirect keeps the token out of every later request; these tests check the second line of
defence, the log filter, with the real servers writing real request lines.
"""

from __future__ import annotations

import http.client
import logging
import threading

from werkzeug.serving import make_server

from portal.core.logs import redact
from tests.servers import gunicorn_server, server_env

SECRET = "Zq8sEcReTtOkEnZq8sEcReT"
REFERER_SECRET = "RefErErSeCrEtToKeN42"


def _get(port: int, path: str, headers: dict | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _requests(port: int) -> list[int]:
    """The exchange of a link (unknown reference: the token is still in the request line)."""
    referer = {"Referer": f"http://127.0.0.1:{port}/status/HAI-2611-AAAAAAAA?baru=1&t={REFERER_SECRET}"}
    return [
        _get(port, f"/status/HAI-2611-AAAAAAAA?t={SECRET}&baru=1"),
        _get(port, f"/status/HAI-2611-AAAAAAAA?baru=1&%74={SECRET}"),
        _get(port, "/layanan", referer),
    ]


def test_redact_finds_the_token_wherever_a_url_is_written():
    assert redact(f"GET /status/X?t={SECRET}&baru=1 HTTP/1.1") == "GET /status/X?t=[REDACTED]&baru=1 HTTP/1.1"
    assert redact(f"t={SECRET}") == "t=[REDACTED]"
    assert redact(f"baru=1&T={SECRET}") == "baru=1&T=[REDACTED]"
    assert redact(f'"http://h/status/X?t={SECRET}\\" x') == '"http://h/status/X?t=[REDACTED]\\" x'
    assert redact("GET /layanan?pengguna=1&at=2 HTTP/1.1") == "GET /layanan?pengguna=1&at=2 HTTP/1.1"


def test_gunicorn_access_log_of_the_production_command_holds_no_token(tmp_path, shared_index):
    log = tmp_path / "access.log"
    env = server_env({"PORTAL_INSTANCE_PATH": str(tmp_path / "instance"), "PORTAL_KB_INDEX_PATH": shared_index})
    # The README's command (``gunicorn -w 4 -b 127.0.0.1:8000 --access-logfile - app:app``), one
    # worker, the log to a file; the combined format also writes the Referer.
    with gunicorn_server(env, tmp_path / "gunicorn.log", access_log=log, probe="/") as port:
        assert _requests(port) == [404, 404, 200]
    written = log.read_text()
    assert "/status/HAI-2611-AAAAAAAA?t=[REDACTED]&baru=1" in written, written
    assert "baru=1&%74=[REDACTED]" in written, written
    assert "/layanan" in written and "?baru=1&t=[REDACTED]" in written
    assert SECRET not in written and REFERER_SECRET not in written


def test_werkzeug_access_log_holds_no_token(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            assert _requests(server.server_port)[:2] == [404, 404]
    finally:
        server.shutdown()
        thread.join(timeout=10)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("?t=[REDACTED]&baru=1" in line for line in lines), lines
    assert not any(SECRET in line for line in lines), lines
