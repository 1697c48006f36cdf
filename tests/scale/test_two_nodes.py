"""Two nodes, one desk (issue 21): two gunicorn processes on two ports, one database, one Redis.

The database is PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` is set (CI's second pass), else one
SQLite file both nodes open. Both nodes are set up as the README's reference topology says:
the same ``SECRET_KEY`` and ``SIAP_PEPPER``, ``REDIS_URL`` and ``FILE_STORE=database``. Each has an
instance folder of its own, so nothing passes between them through the local disk.

Mail goes to a real SMTP sink (aiosmtpd) on loopback, and each node sends it the production way:
``flask mail send`` from cron, not right after the request (``MAIL_SEND_AFTER_REQUEST=false``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from bs4 import BeautifulSoup

from tests.conftest import add_staff, database_overrides, dispose_engines
from tests.mail.conftest import SmtpServer, free_port
from tests.servers import ROOT, gunicorn_server, pause, server_env

WIB = ZoneInfo("Asia/Jakarta")
MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)  # the desk is open
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEAD = "ketua@kemenkeu.go.id"
PASSWORD = "kata-sandi-rahasia-1"


class Nodes(list):
    """The base URLs of node A and node B, with the environment each runs in and the SMTP sink."""

    envs: list[dict[str, str]]
    smtp: SmtpServer


@pytest.fixture
def nodes(make_app, tmp_path, shared_index, redis_url):
    """Node A and node B, sharing one database, one Redis, one secret and one SMTP relay."""
    smtp = SmtpServer(free_port())
    smtp.start()
    cleanups: list = []
    config = database_overrides({}, cleanups)
    main = config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{tmp_path / 'desk.db'}"
    siap = (config.get("SQLALCHEMY_BINDS") or {}).get("siap") or f"sqlite:///{tmp_path / 'siap.db'}"
    # The deploy step: migrate once and create the lead's account, before the nodes start.
    setup = make_app(SQLALCHEMY_DATABASE_URI=main, SQLALCHEMY_BINDS={"siap": siap}, NOW=MONDAY_10AM)
    add_staff(setup, email=LEAD, role="ketua", password=PASSWORD)
    dispose_engines(setup)
    shared = {
        "PORTAL_SQLALCHEMY_DATABASE_URI": main,
        "PORTAL_SQLALCHEMY_BINDS": json.dumps({"siap": siap}),
        "PORTAL_REDIS_URL": redis_url,
        "PORTAL_FILE_STORE": "database",
        "PORTAL_SECRET_KEY": "one-secret-for-every-node-" + "x" * 20,
        "PORTAL_SIAP_PEPPER": "one-pepper-for-every-node-" + "y" * 20,
        "PORTAL_AUTO_MIGRATE": "false",
        "PORTAL_KB_INDEX_PATH": shared_index,
        "PORTAL_NOW": MONDAY_10AM.isoformat(),
        "PORTAL_ARGON2_MEMORY_KIB": "1024",
        "PORTAL_MAIL_SERVER": "127.0.0.1",
        "PORTAL_MAIL_PORT": str(smtp.port),
        "PORTAL_MAIL_USE_TLS": "false",
        "PORTAL_MAIL_SEND_AFTER_REQUEST": "false",
    }
    with ExitStack() as stack:
        stack.callback(smtp.stop)
        urls = Nodes()
        urls.envs, urls.smtp = [], smtp
        for name in ("a", "b"):
            env = server_env({**shared, "PORTAL_INSTANCE_PATH": str(tmp_path / f"node-{name}")})
            port = stack.enter_context(gunicorn_server(env, tmp_path / f"node-{name}.log"))
            urls.append(f"http://127.0.0.1:{port}")
            urls.envs.append(env)
        yield urls
    for cleanup in cleanups:
        cleanup()


def form_fields(html: str, action: str | None) -> dict[str, str]:
    """The values a browser would send from the form posting to ``action`` (hidden ones included).

    ``None``: the form without an action (it posts to the page's own address).
    """
    soup = BeautifulSoup(html, "html.parser")
    if action is None:
        form = soup.find("form", method="post", action=None)
    else:
        form = soup.find("form", action=re.compile(re.escape(action) + "$"))
    assert form is not None, f"no form posting to {action}"
    fields = {}
    for field in form.find_all("input"):
        if field.get("name") and field.get("type") not in ("checkbox", "radio", "file", "submit"):
            fields[field["name"]] = field.get("value", "")
    return fields


def test_the_status_lookup_limit_holds_across_both_nodes(nodes):
    browser = requests.Session()
    token = form_fields(browser.get(f"{nodes[0]}/status").text, "/status")
    answers = []
    for i in range(21):  # alternately through A and B
        response = browser.post(f"{nodes[i % 2]}/status", data={**token, "referensi": "HAI-2026-999999"})
        answers.append(response.status_code)
    assert answers[:20] == [404] * 20
    assert answers[20] == 429  # the 21st, through A (i = 20), and through B just after
    assert browser.post(f"{nodes[1]}/status", data={**token, "referensi": "HAI-2026-999999"}).status_code == 429


def test_a_closure_announced_through_node_a_shows_on_node_b_within_2_seconds(nodes):
    visitor = requests.Session()
    assert "Pemadaman listrik" not in visitor.get(f"{nodes[1]}/").text  # B has the page cached
    lead = requests.Session()
    fields = form_fields(lead.get(f"{nodes[0]}/staf/masuk").text, "/staf/masuk")
    signed_in = lead.post(
        f"{nodes[0]}/staf/masuk", data={**fields, "email": LEAD, "password": PASSWORD}, allow_redirects=False
    )
    assert signed_in.status_code == 303, signed_in.text[:500]
    # Staff sessions live in the database, the cookie is signed with the shared key: B knows them.
    assert lead.get(f"{nodes[1]}/staf/kalender", allow_redirects=False).status_code == 200
    fields = form_fields(lead.get(f"{nodes[0]}/staf/kalender").text, "/staf/kalender/hari")
    closure = {"hr-day": "2026-11-30", "hr-kind": "tutup", "hr-reason": "Pemadaman listrik", "hr-announce": "y"}
    done = lead.post(f"{nodes[0]}/staf/kalender/hari", data={**fields, **closure}, allow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    announced = time.monotonic()
    while "Pemadaman listrik" not in (page := visitor.get(f"{nodes[1]}/").text):
        assert time.monotonic() - announced < 2.0, "node B still shows the page from before the closure"
        pause(0.05)
    assert "Tutup" in page


def file_request(node: str, **files) -> tuple[requests.Session, str]:
    """Submit a CRSM.01 request through ``node``; return the requester's browser and the reference."""
    requester = requests.Session()
    form_url = "/permintaan/CRSM.01/pembuatan-tiket"
    fields = form_fields(requester.get(f"{node}{form_url}").text, None)
    request = {"pengguna": "1", "nama": "Budi", "email": "budi@satker.go.id", "subjek": "Reset user SAKTI"}
    request["detail"] = "Akun SAKTI terkunci setelah salah kata sandi."
    created = requester.post(f"{node}{form_url}", data={**fields, **request}, files=files, allow_redirects=False)
    assert created.status_code == 303, created.text[:500]
    return requester, re.search(r"/status/([^?]+)", created.headers["Location"]).group(1)


def test_an_email_queued_on_node_a_is_sent_once_by_both_nodes_sending(nodes):
    _, reference = file_request(nodes[0])
    assert nodes.smtp.messages == []  # queued with the ticket, not sent by the request
    # cron on both nodes, at the same moment
    command = [sys.executable, "-m", "flask", "--app", "app", "mail", "send"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) for env in nodes.envs]
    # No timeouts: Popen's timed waits poll with time.sleep, which fails under libfaketime (CI).
    outputs = [run.communicate()[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    letters = [m for m in nodes.smtp.messages if reference in m["Subject"]]
    assert len(letters) == 1, outputs
    assert letters[0]["To"] == "budi@satker.go.id"
    # A later run on either node finds nothing left to send.
    again = subprocess.run(command, cwd=ROOT, env=nodes.envs[1], capture_output=True, text=True)
    assert again.returncode == 0 and len(nodes.smtp.messages) == 1, again.stdout + again.stderr


def test_an_attachment_uploaded_through_node_a_downloads_through_node_b(nodes):
    requester, reference = file_request(nodes[0], lampiran=("surat.pdf", PDF, "application/pdf"))
    thread = requester.get(f"{nodes[1]}/status/{reference}")
    assert thread.status_code == 200
    link = BeautifulSoup(thread.text, "html.parser").find("a", href=re.compile(r"/lampiran/"))
    assert link is not None, "no attachment link on node B's thread page"
    download = requester.get(f"{nodes[1]}{link['href']}")
    assert download.status_code == 200
    assert download.content == PDF
