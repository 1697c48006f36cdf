"""Redis for the tests of the shared stores: CI's server, or a private one started here.

``.ci/run`` starts ``redis-server`` on loopback and exports ``PORTAL_TEST_REDIS_URL``; without
it a private server runs on a free loopback port for the session. Without ``redis-server`` the
tests skip, except in CI (``CI=true``), where they fail: a gate must run, not skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from tests.servers import FAKETIME_VARIABLES, pause


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[str]:
    """The URL of a Redis server for the tests (CI's, or a private one)."""
    url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the shared-store tests must run, not skip)", pytrace=False)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in FAKETIME_VARIABLES}
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with open(folder / "redis.log", "wb") as log:
        server = subprocess.Popen([*command, "--dir", str(folder)], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, (folder / "redis.log").read_text()
                pause(0.1)
        yield url
    finally:
        server.terminate()
        deadline = time.monotonic() + 20
        while server.poll() is None and time.monotonic() < deadline:
            pause(0.1)  # not Popen.wait(timeout): it sleeps with time.sleep, broken under faketime
        if server.poll() is None:
            server.kill()
            server.wait()


def worker_database(url: str) -> str:
    """``url`` with a Redis database of this test worker's own.

    Under pytest-xdist the workers share one server, and each test empties its database
    (FLUSHDB): worker ``gwN`` uses database N + 1, so one worker never empties another's keys.
    Without xdist the URL is unchanged.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    return f"{url.rsplit('/', 1)[0]}/{int(worker[2:]) + 1}"


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """The Redis server, emptied before and after the test (limits and versions start afresh)."""
    url = worker_database(redis_server)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()
