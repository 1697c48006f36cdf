"""Each shared store: a value set through one application instance is seen by another (issue 21).

Two apps on one database and one Redis stand for two nodes. Every test also runs without Redis
(the embedded default, stores inside each process) and shows that the other instance then does
not see the value: the tests fail if the store stops being shared.
"""

from __future__ import annotations

import socket
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.core.filestore import file_store
from portal.extensions import db
from portal.staff.dashboard import Figures
from portal.staff.dashboard_views import CACHE_KEY
from tests.servers import pause

WIB = ZoneInfo("Asia/Jakarta")
MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)  # the desk is open
SHARED = pytest.mark.parametrize("shared", [True, False], ids=["redis", "in-process"])


@pytest.fixture
def two_instances(make_app, tmp_path, redis_url):
    """A factory of two apps on one database (and one Redis when ``shared``)."""

    def make(shared: bool, **settings):
        common = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.db'}",
            "SQLALCHEMY_BINDS": {"siap": f"sqlite:///{tmp_path / 'shared-siap.db'}"},
            "SECRET_KEY": "one-secret-for-every-node",
            "NOW": MONDAY_10AM,
            "REDIS_URL": redis_url if shared else "",
            **settings,
        }
        return make_app(**common), make_app(**common)

    return make


def within(seconds: float, check) -> bool:
    """Whether ``check()`` becomes true within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        pause(0.1)


@SHARED
def test_an_announcement_made_through_one_instance_shows_on_the_others_home_page(two_instances, shared):
    a, b = two_instances(shared)
    reader = b.test_client()
    assert "Libur akhir tahun" not in reader.get("/").get_data(as_text=True)  # now in B's page cache
    args = ["pengumuman", "tambah", "--judul", "Libur akhir tahun", "--mulai", "2026-11-01", "--selesai", "2026-12-31"]
    assert a.test_cli_runner().invoke(args=args).exit_code == 0
    seen = within(2.0, lambda: "Libur akhir tahun" in reader.get("/").get_data(as_text=True))
    assert seen is shared


@SHARED
def test_a_closure_made_through_one_instance_closes_the_desk_on_the_other(two_instances, shared):
    a, b = two_instances(shared)
    reader = b.test_client()
    assert "Tutup" not in reader.get("/layanan").get_data(as_text=True)  # B's calendar and page cached
    result = a.test_cli_runner().invoke(args=["kalender", "tutup", "2026-11-30", "--alasan", "Pemadaman listrik"])
    assert result.exit_code == 0, result.output
    closed = lambda: "Tutup — buka kembali" in " ".join(reader.get("/layanan").get_data(as_text=True).split())  # noqa: E731
    seen = within(2.0, closed)
    assert seen is shared


@SHARED
def test_dashboard_figures_computed_on_one_instance_are_read_on_the_other(two_instances, shared):
    a, b = two_instances(shared)
    figures = Figures(("Direktorat SITP",), [], [], {"portal": 3}, MONDAY_10AM)
    with a.app_context():
        a.extensions[CACHE_KEY].get(("Direktorat SITP",), 60, lambda: figures)
    computed = []
    with b.app_context():
        got = b.extensions[CACHE_KEY].get(("Direktorat SITP",), 60, lambda: computed.append(1) or figures)
    assert got == figures
    assert computed == ([] if shared else [1])


@SHARED
def test_the_status_lookup_limit_counts_lookups_made_through_another_instance(make_app, tmp_path, redis_url, shared):
    settings = {"RATELIMIT_ENABLED": True, "REDIS_URL": redis_url if shared else ""}
    a = make_app(**settings)
    client = a.test_client()
    for _ in range(20):
        assert client.post("/status", data={"referensi": "HAI-2026-999999"}).status_code == 404
    # A second instance, started after the lookups: its limiter opens its own storage, as a
    # second node does (the limiter object is one per process, so it must be made afterwards).
    b = make_app(**settings)
    answer = b.test_client().post("/status", data={"referensi": "HAI-2026-999999"})
    assert answer.status_code == (429 if shared else 404)


@pytest.mark.parametrize("store", ["database", "local"])
def test_a_file_stored_through_one_instance_is_read_through_the_other(two_instances, store):
    a, b = two_instances(False, FILE_STORE=store)
    with a.app_context():
        name = file_store(a, "tickets").put(b"%PDF-1.4 surat")
        db.session.commit()
    with b.app_context():
        if store == "database":
            assert file_store(b, "tickets").read(name) == b"%PDF-1.4 surat"
        else:  # each node's own folder: the other node cannot read it
            with pytest.raises(FileNotFoundError):
                file_store(b, "tickets").read(name)


def test_an_unreachable_redis_never_breaks_a_page(make_app):
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port}/0", RATELIMIT_ENABLED=True, NOW=MONDAY_10AM)
    client = app.test_client()
    assert client.get("/").status_code == 200
    answers = [client.post("/status", data={"referensi": "HAI-2026-999999"}).status_code for _ in range(21)]
    assert answers == [404] * 20 + [429]  # counted in this process meanwhile
    figures = Figures(("Direktorat SITP",), [], [], {}, MONDAY_10AM)
    with app.app_context():
        assert app.extensions[CACHE_KEY].get(("Direktorat SITP",), 60, lambda: figures) == figures
