"""Two gunicorn nodes, one database, each with its own search index: FAQ publishes follow in 10 s.

Node A's staff write, submit and publish; node B's search finds the article within 10 seconds
(its process looks at the database's change counter every ``FAQ_FOLLOW_SECONDS``), never the
draft; an archived article leaves B's index and its URL redirects (301) to the successor. B's
index is updated in place, one document per change: the build folder stays, and its update record
says one document was replaced (a full rebuild would replace every one, in a new folder).
"""

from __future__ import annotations

import json
import shutil
import time
from contextlib import ExitStack

import pytest
import requests

from portal.kb.index import APPLIED, UPDATES, current_build
from tests.conftest import add_staff, database_overrides, dispose_engines
from tests.scale.test_two_nodes import MONDAY_10AM, PASSWORD, form_fields
from tests.servers import gunicorn_server, pause, server_env

VISITOR = requests.Session()  # an anonymous reader
UNIT = "Sekretariat DJPb"  # owns BCSM.01
WRITER, LEAD = "penulis@kemenkeu.go.id", "ketua.sekretariat@kemenkeu.go.id"
WORD = "zebrakuning"
OLD = "siapa-boleh-konsultasi-dukungan-fungsi-djpb"
SUCCESSOR = "cakupan-konsultasi-dukungan-penyelenggaraan-fungsi-djpb"


@pytest.fixture
def faq_nodes(make_app, tmp_path, shared_index, redis_url):
    """Node A and node B: one database and Redis, an index folder each (copied from one build)."""
    cleanups: list = []
    config = database_overrides({}, cleanups)
    main = config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{tmp_path / 'desk.db'}"
    siap = (config.get("SQLALCHEMY_BINDS") or {}).get("siap") or f"sqlite:///{tmp_path / 'siap.db'}"
    setup = make_app(SQLALCHEMY_DATABASE_URI=main, SQLALCHEMY_BINDS={"siap": siap}, NOW=MONDAY_10AM)
    add_staff(setup, email=WRITER, role="agen", units=(UNIT,), password=PASSWORD)
    add_staff(setup, email=LEAD, role="ketua", units=(UNIT,), password=PASSWORD)
    dispose_engines(setup)
    shared = {
        "PORTAL_SQLALCHEMY_DATABASE_URI": main,
        "PORTAL_SQLALCHEMY_BINDS": json.dumps({"siap": siap}),
        "PORTAL_REDIS_URL": redis_url,
        "PORTAL_SECRET_KEY": "one-secret-for-every-node-" + "x" * 20,
        "PORTAL_SIAP_PEPPER": "one-pepper-for-every-node-" + "y" * 20,
        "PORTAL_AUTO_MIGRATE": "false",
        "PORTAL_NOW": MONDAY_10AM.isoformat(),
        "PORTAL_ARGON2_MEMORY_KIB": "1024",
    }
    with ExitStack() as stack:
        urls, indexes = [], []
        for name in ("a", "b"):
            index = tmp_path / f"index-{name}"
            shutil.copytree(shared_index, index, ignore=shutil.ignore_patterns(".lock"))
            env = server_env({**shared, "PORTAL_INSTANCE_PATH": str(tmp_path / f"node-{name}"),
                              "PORTAL_KB_INDEX_PATH": str(index)})  # fmt: skip
            port = stack.enter_context(gunicorn_server(env, tmp_path / f"node-{name}.log"))
            urls.append(f"http://127.0.0.1:{port}")
            indexes.append(index)
        yield urls, indexes
    for cleanup in cleanups:
        cleanup()


def _sign_in(node: str, email: str) -> requests.Session:
    browser = requests.Session()
    fields = form_fields(browser.get(f"{node}/staf/masuk").text, "/staf/masuk")
    done = browser.post(f"{node}/staf/masuk", data={**fields, "email": email, "password": PASSWORD},
                        allow_redirects=False)  # fmt: skip
    assert done.status_code == 303, done.text[:500]
    return browser


def _post(browser: requests.Session, node: str, page: str, action: str, data: dict) -> None:
    fields = form_fields(browser.get(f"{node}{page}").text, action)
    done = browser.post(f"{node}{action}", data={**fields, **data}, allow_redirects=False)
    assert done.status_code == 303, done.text[:500]


def _found(node: str, words: str, slug: str) -> bool:
    return slug in VISITOR.get(f"{node}/cari", params={"q": words}).text


def _within(seconds: float, check) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "node B did not follow in time"
        pause(0.2)
    return time.monotonic() - started


def test_published_on_a_is_found_on_b_within_10_seconds_and_drafts_never(faq_nodes):
    (a, b), (_index_a, index_b) = faq_nodes
    assert _found(b, "siapa boleh konsultasi", OLD)  # B serves, from the database
    build = current_build(index_b)
    writer, lead = _sign_in(a, WRITER), _sign_in(a, LEAD)
    new = {"slug": "cara-uji-alur-faq", "title": "Cara uji alur FAQ", "codes": "BCSM.01", "tags": "uji",
           "synonyms": "", "related": "", "body": f"Jawaban tentang {WORD}.\n", "note": "pertama",
           "save": "1"}  # fmt: skip
    _post(writer, a, "/staf/faq/baru", "/staf/faq/baru", new)
    _post(writer, a, "/staf/faq/cara-uji-alur-faq", "/staf/faq/cara-uji-alur-faq/ajukan", {})
    pause(3)  # longer than B's check interval: a draft in review would have shown by now
    assert not _found(b, WORD, "cara-uji-alur-faq")
    assert VISITOR.get(f"{b}/faq/BCSM.01/cara-uji-alur-faq").status_code == 404
    _post(lead, a, "/staf/faq/cara-uji-alur-faq", "/staf/faq/cara-uji-alur-faq/terbitkan", {})
    _within(10, lambda: _found(b, WORD, "cara-uji-alur-faq"))
    assert WORD in VISITOR.get(f"{b}/faq/BCSM.01/cara-uji-alur-faq").text
    # Updated in place: the same build, one document replaced for the publish.
    assert current_build(index_b) == build
    updates = [line.split() for line in (build / UPDATES).read_text().splitlines()]
    assert updates[0][1] == "0"  # the first pass: the imported articles were already in the build
    assert updates[-1][1:] == ["1", "0"] and (build / APPLIED).read_text().split()[1] == updates[-1][0]
    # Archived on A: gone from B's index, and B redirects its URL to the successor.
    _post(lead, a, f"/staf/faq/{OLD}", f"/staf/faq/{OLD}/arsipkan", {"successor": SUCCESSOR})
    _within(10, lambda: not _found(b, "siapa boleh konsultasi", OLD))
    moved = VISITOR.get(f"{b}/faq/BCSM.01/{OLD}", allow_redirects=False)
    assert moved.status_code == 301 and moved.headers["Location"].endswith(f"/faq/BCSM.01/{SUCCESSOR}")
    assert [line.split()[1:] for line in (build / UPDATES).read_text().splitlines()][-1] == ["0", "1"]
