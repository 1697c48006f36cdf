"""Building blocks of ``bench/run.py``, also used by the other benchmarks through ``run``.

Loopback only: a free port of 127.0.0.1, one request to it, the servers' environment (no inherited
``PORTAL_*`` setting, a throw-away instance folder), a git revision exported for ``--rev``, a
gunicorn ``Server``, and the wrk driver with its Lua scripts (``wrk_report.lua``,
``wrk_rotate.lua``, ``wrk_mixed.lua``, all sharing ``wrk_common.lua``): ``run_wrk`` returns the
numbers the scripts print, ``measure`` adds the pre-flight, the warm-up and, for the scenarios that
submit tickets, the database check and the worker kill of ``bench/mixed.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tarfile
import time
from dataclasses import replace
from pathlib import Path

import mixed
from scenarios import Scenario

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LUA = BENCH / "wrk_report.lua"
# Scenarios with a list of requests (``Scenario.rotate``): one after the other, per connection.
ROTATE_LUA = BENCH / "wrk_rotate.lua"
# Scenarios that submit tickets (``Scenario.submits``): records the references for the database check.
MIXED_LUA = BENCH / "wrk_mixed.lua"
# Loopback only: the benchmark must never listen on or send to another address.
HOST = "127.0.0.1"
# A first start applies every migration in each worker (one at a time, under a file lock).
READY_TIMEOUT = 60.0


class SetupError(RuntimeError):
    """The harness could not start (missing wrk, a server that does not come up)."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now (gunicorn binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def request(port: int, scenario: Scenario, timeout: float = 10.0) -> int:
    """Send the scenario's request once and return the status (redirects are not followed)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        body = scenario.body.encode() if scenario.body else None
        conn.request(scenario.method, scenario.path, body=body, headers=scenario.headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def server_env(instance: Path, overrides: list[str]) -> dict[str, str]:
    """Return the servers' environment: no inherited PORTAL_* settings, a throw-away instance folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise SetupError(f"--portal-env expects KEY=VALUE, got {item!r}")
        env[key if key.startswith("PORTAL_") else f"PORTAL_{key}"] = value
    # Set last so nothing can point the benchmark at the real ./instance.
    env["PORTAL_INSTANCE_PATH"] = str(instance)
    return env


def export_rev(rev: str, dest: Path) -> Path:
    """Export the tree of git revision ``rev`` into ``dest`` (read-only for the repository) and return it."""
    out = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=False)
    if out.returncode != 0:
        raise SetupError(f"git archive {rev} failed: {out.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(out.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def run_wrk(
    port: int, scenario: Scenario, seconds: int, args: argparse.Namespace, rotate: Path | None = None, run_id: str = ""
) -> dict:
    """Drive ``scenario`` with wrk for ``seconds`` and return the numbers the Lua script printed.

    For a scenario that submits, ``run_id`` goes into every submission's marker and the result's
    ``mix`` holds what ``wrk_mixed.lua`` recorded (posts sent, references received, statuses).
    """
    script = MIXED_LUA if scenario.submits else ROTATE_LUA if rotate else LUA
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    for key, value in scenario.headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(f"http://{HOST}:{port}{scenario.path}")
    env = {**os.environ, "WRK_METHOD": scenario.method, "WRK_BODY": scenario.body, "WRK_REQUESTS": str(rotate or "")}
    env["WRK_RUN"] = run_id
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if args.verbose:
        print(out.stdout, out.stderr, sep="", file=sys.stderr)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed for {scenario.label} (exit {out.returncode}): {out.stderr or out.stdout}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    lat = raw["latency_us"]
    mix = next(
        (json.loads(x.removeprefix("WRK_MIX ")) for x in out.stdout.splitlines() if x.startswith("WRK_MIX ")), None
    )
    return {
        **({"mix": mix} if mix is not None else {}),
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": lat["p50"] / 1000,
        "p95_ms": lat["p95"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "errors": raw["errors"],
        "error_count": sum(raw["errors"].values()),
        "kb_per_request": raw["bytes"] / max(raw["requests"], 1) / 1024,
    }


class Server:
    """One gunicorn master (and its workers) in its own process group, stopped by ``stop``."""

    def __init__(
        self,
        name: str,
        chdir: Path,
        args: argparse.Namespace,
        env: dict[str, str],
        log_dir: Path,
        target: str = "app:app",  # gunicorn's APP_MODULE (run.py passes its AppSpec's)
    ):
        self.name, self.chdir, self.args, self.env, self.target = name, chdir, args, env, target
        self.log = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0
        # What the app's fixtures produced: header placeholders ({api_token}) and request lists.
        self.context: dict = {}

    def command(self) -> list[str]:
        """Return the gunicorn command line; both apps get exactly the same settings."""
        return [
            sys.executable, "-m", "gunicorn",
            "-w", str(self.args.workers), "-k", "sync",
            "-b", f"{HOST}:{self.port}",
            # Two gunicorns starting together would otherwise both claim ~/.gunicorn/gunicorn.ctl.
            "--no-control-socket",
            "--access-logfile", "/dev/null", "--error-logfile", "-",
            "--chdir", str(self.chdir), self.target,
        ]  # fmt: skip

    def start(self, attempts: int = 3) -> None:
        """Start gunicorn and wait until it answers on ``/``; retry if the free port was taken meanwhile."""
        for _ in range(attempts):
            self.port = free_port()
            if self.args.verbose:
                print("$", " ".join(self.command()), file=sys.stderr)
            with open(self.log, "ab") as log:
                # Own session: Ctrl-C in the terminal reaches only us, and we stop the group in order.
                self.proc = subprocess.Popen(
                    self.command(), env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            if self._wait_ready():
                return
            if "Address already in use" not in self.log.read_text(errors="replace"):
                break
        hint = "" if self.name != "portal" or self.args.rev else "\n(a working tree mid-edit? try --rev HEAD)"
        raise SetupError(f"{self.name} did not start; last lines of its log:\n{self.tail()}{hint}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        probe = Scenario("ready", self.name, "/", "readiness probe")
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            with contextlib.suppress(OSError):
                if request(self.port, probe, timeout=READY_TIMEOUT) < 500:
                    return True
            time.sleep(0.1)
        self.stop()
        return False

    def tail(self, lines: int = 25) -> str:
        """Return the end of this server's log."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the master gracefully (it stops its workers), then kill the group if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        # Workers are reaped by the master; make sure none outlived it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)


def resolve(scenario: Scenario, server: Server) -> tuple[Scenario, Path | None]:
    """Fill the fixtures' values into a scenario; return it and its request list file, if any.

    Header values may name fixture values (``"Bearer {api_token}"``). A ``rotate`` scenario's
    method, path and body become those of the first request of its list (for the pre-flight).
    """
    headers = {k: v.format_map(server.context) for k, v in scenario.headers.items()}
    scenario = replace(scenario, headers=headers)
    if not scenario.rotate:
        return scenario, None
    lists = server.context.get("requests", {})
    if scenario.rotate not in lists:
        raise SetupError(f"{scenario.name}: app {scenario.app} has no request list {scenario.rotate!r}")
    method, path, body, *cookie = lists[scenario.rotate][0]
    if cookie:  # a request that needs its own cookie (a requester's grant): the pre-flight sends it
        scenario = replace(scenario, headers={**scenario.headers, "Cookie": cookie[0]})
    return replace(scenario, method=method, path=path, body=body), server.context["files"][scenario.rotate]


def measure(servers: dict[str, Server], scenario: Scenario, args: argparse.Namespace, first: bool) -> dict:
    """Measure ``scenario`` once; the ``first`` time, check it answers as expected and warm it up."""
    server = servers[scenario.app]
    scenario, rotate = resolve(scenario, server)
    if first:
        status = request(server.port, scenario)
        if status != scenario.expect_status:
            return {"skipped": f"pre-flight got HTTP {status}, expected {scenario.expect_status}"}
        # A short wrk burst rather than one request: each worker must build its own lazy caches.
        if args.warmup > 0:
            run_wrk(server.port, scenario, args.warmup, args, rotate, run_id="warmup")
    if not scenario.submits:
        return run_wrk(server.port, scenario, args.duration, args, rotate)
    # A fault mid-run: SIGKILL one worker 40 % into the run; the master must replace it.
    fault = mixed.WorkerKill(server.proc.pid, args.duration * 0.4) if scenario.fault == "kill-worker" else None
    if fault:
        fault.start()
    run_id = secrets.token_hex(4)
    try:
        result = run_wrk(server.port, scenario, args.duration, args, rotate, run_id=run_id)
    finally:
        if fault:
            fault.timer.cancel()  # a no-op once it fired; wrk failing early must not kill a worker later
    note = fault.finish(args.workers) if fault else ""
    # The submissions wrk left in flight when it stopped are still being committed: let them land,
    # so that they count as orphans (created, no reference received) rather than not at all.
    time.sleep(mixed.SETTLE_SECONDS)
    result["submissions"] = {**mixed.verify(server.context["database_url"], run_id, result.pop("mix")), "fault": note}
    return result
