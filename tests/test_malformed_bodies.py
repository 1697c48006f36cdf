"""Malformed request bodies answer 400 (issue #13, item 11), checked over real sockets against gunicorn.

The test client hands the application a finished body, so chunk parsing only happens in a real
server: these tests start the README's production server, gunicorn, on loopback.
"""

from __future__ import annotations

import json
import re
import socket

import pytest

from tests.servers import gunicorn_server, server_env

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data; boundary=b")
BAD_CHUNKS = [b"zz\r\nabc\r\n0\r\n\r\n", b"-5\r\nabc\r\n0\r\n\r\n", b"3\r\nabcXX0\r\n\r\n"]


def raw_post(port: int, path: str, content_type: str, body: bytes, headers: str = "") -> tuple[int, bytes]:
    """Send a chunked POST as raw bytes; return the status code and the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Transfer-Encoding: chunked\r\nConnection: close\r\n{headers}\r\n"
        )
        sock.sendall(head.encode() + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


def concrete(rule) -> str:
    values = {"code": "CRSM.01", "type_key": "pembuatan-tiket", "reference": "HAI-2611-AAAAAAAA", "ref": "x"}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "1")), rule.rule)


@pytest.fixture
def server(make_app, tmp_path, shared_index):
    """gunicorn serving an instance prepared in-process (migrated, one API token); yields (app, port, token)."""
    instance = tmp_path / "served"
    settings = {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'portal.db'}",
        "SQLALCHEMY_BINDS": {"siap": f"sqlite:///{instance / 'siap.db'}"},
        "SIAP_ARGON2_MEMORY_KIB": 1024,
    }
    app = make_app(**settings)
    token = app.test_cli_runner().invoke(args=["api-token", "create", "chunks"]).output.strip().splitlines()[-1]
    # Without libfaketime (CI's +400-day pass): gunicorn's arbiter sleeps with time.sleep, which fails
    # under it; the server only parses chunks here, so the real clock does no harm.
    env = server_env(
        {
            "PORTAL_INSTANCE_PATH": str(instance),
            "PORTAL_TESTING": "true",  # small Argon2 settings are refused outside tests
            "PORTAL_SIAP_ARGON2_MEMORY_KIB": "1024",
            "PORTAL_KB_INDEX_PATH": shared_index,
            "PORTAL_RATELIMIT_ENABLED": "false",
        },
        faketime=False,
    )
    log = tmp_path / "gunicorn.log"
    with gunicorn_server(env, log) as port:
        yield app, port, token, log


def test_invalid_chunk_sizes_answer_400_on_every_post_route(server):
    app, port, token, log = server
    routes = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(routes) >= 30
    answers = {}
    for rule in routes:
        path = concrete(rule)
        api = path.startswith("/api/")
        headers = f"Authorization: Bearer {token}\r\n" if api else ""
        for content_type in (
            ("application/json",) if api else ("application/x-www-form-urlencoded", "multipart/form-data; boundary=b")
        ):
            for body in BAD_CHUNKS:
                answers[(path, content_type, body)] = raw_post(port, path, content_type, body, headers)
    wrong = {key: status for key, (status, _) in answers.items() if status != 400}
    assert not wrong, wrong
    assert "Traceback" not in log.read_text()
    status, answer = answers[("/api/v1/tickets", "application/json", BAD_CHUNKS[0])]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["status"] == 400  # JSON under /api/, like every API error


def test_a_well_formed_chunked_body_still_works(server):
    _app, port, token, _log = server
    document = json.dumps({"service_code": "CRSM.01"}).encode()
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(document), document)
    status, answer = raw_post(port, "/api/v1/tickets", "application/json", body, f"Authorization: Bearer {token}\r\n")
    assert status == 422, answer  # read and understood: the request type is missing


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("document", [nested(33), "[" * 5000 + "]" * 5000, "[" * 200_000, nested(100_000)])
def test_deeply_nested_json_answers_400(app, client, document):
    token = app.test_cli_runner().invoke(args=["api-token", "create", "deep"]).output.strip().splitlines()[-1]
    response = client.post(
        "/api/v1/tickets",
        data=document,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["status"] == 400


def test_json_nested_up_to_the_limit_is_read(app, client):
    token = app.test_cli_runner().invoke(args=["api-token", "create", "deep"]).output.strip().splitlines()[-1]
    document = '{"service_code": "CRSM.01", "fields": ' + nested(31) + "}"
    response = client.post(
        "/api/v1/tickets", data=document, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422  # parsed: rejected for its content, not its shape


TICKET = {
    "request_type": "pembuatan-tiket",
    "service_code": "CRSM.01",
    "user_type": 1,
    "fields": {"nama": "Budi", "email": "budi@satker.go.id", "subjek": "Reset user", "detail": "Akun terkunci lagi."},
}


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800", "a\\u0000b"])
def test_json_text_no_database_can_store_answers_400(app, client, bad):
    # PostgreSQL text holds no NUL, and a lone surrogate cannot be encoded: both used to fail at the commit.
    token = app.test_cli_runner().invoke(args=["api-token", "create", "nul"]).output.strip().splitlines()[-1]
    document = json.dumps(TICKET).replace("Akun terkunci lagi.", f"Akun terkunci{bad} lagi.")
    response = client.post(
        "/api/v1/tickets", data=document, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400, response.get_json()


def test_a_form_refuses_a_nul_character(app, client):
    data = {"pengguna": "1", **TICKET["fields"], "detail": "Akun terkunci\x00 lagi."}
    response = client.post("/permintaan/CRSM.01/pembuatan-tiket", data=data)
    assert response.status_code == 422
    assert "Isian mengandung karakter yang tidak diizinkan." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/tickets/HAI-%00", "/status/HAI%00X", "/cari?q=sp2d%00", "/layanan?x%00=1"])
def test_a_nul_in_the_url_answers_400(app, client, path):
    token = app.test_cli_runner().invoke(args=["api-token", "create", "nul"]).output.strip().splitlines()[-1]
    assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 400
