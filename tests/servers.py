"""gunicorn, the README's production server, started on loopback for the tests that need real sockets."""

from __future__ import annotations

import http.client
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAKETIME_VARIABLES = {"LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "DONT_FAKE_MONOTONIC"}


def pause(seconds: float) -> None:
    # Not time.sleep: under CI's faketime (+400 days) its absolute-deadline sleep fails with EINVAL.
    select.select([], [], [], seconds)


def server_env(settings: dict[str, str], *, faketime: bool = True) -> dict[str, str]:
    """This process's environment less its ``PORTAL_*`` settings and libfaketime, plus ``settings``.

    gunicorn cannot run under libfaketime (CI's +400-day pass): its arbiter and workers sleep with
    ``time.sleep``, which fails there with EINVAL. So the server runs on the real clock, and with
    ``faketime`` (the default) its application clock is set, through ``PORTAL_NOW``, to this
    process's (shifted) time, so both sides agree on dates; ``faketime=False`` leaves it alone.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_") and k not in FAKETIME_VARIABLES}
    if faketime and "FAKETIME" in os.environ:
        env["PORTAL_NOW"] = datetime.now(UTC).isoformat()  # the test process's clock, faked or not
    env.update(settings)
    return env


def _answers(port: int, path: str, headers: dict[str, str]) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={**headers, "Connection": "close"})
        response = conn.getresponse()
        response.read()
        return response.status == 200
    finally:
        conn.close()


@contextmanager
def gunicorn_server(
    env: dict[str, str],
    output: Path,
    *,
    access_log: Path | None = None,
    probe: str = "/layanan",
    headers: dict[str, str] | None = None,
    timeout: float = 90,
) -> Iterator[int]:
    """Run ``gunicorn -w 1 app:app`` on a free loopback port; yield the port once it serves.

    The listening socket is opened here and handed over (``--bind fd://``), so no other process
    can take the port in between. The server's own output (its error log) goes to ``output``;
    request lines go to ``access_log`` when given. It is ready once ``GET <probe>`` (sent with
    ``headers``) answers 200 — that request is in the access log too — and is stopped on exit.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "--bind", f"fd://{sock.fileno()}", "--no-control-socket"]
    if access_log is not None:
        command += ["--access-logfile", str(access_log)]
    try:
        with open(output, "wb") as out:
            server = subprocess.Popen(
                [*command, "app:app"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                pass_fds=(sock.fileno(),),
            )
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if _answers(port, probe, headers or {}):
                        break
                except OSError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, (
                    f"gunicorn did not start: {output.read_text(errors='replace')[-2000:]}"
                )
                pause(0.3)
            yield port
        finally:
            server.terminate()
            deadline = time.monotonic() + 20
            while server.poll() is None and time.monotonic() < deadline:
                pause(0.1)
            if server.poll() is None:
                server.kill()
            server.wait()
    finally:
        sock.close()
