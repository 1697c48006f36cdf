"""Benchmark the portal against a minimal Flask app with gunicorn + wrk, all on 127.0.0.1.

Run from the repository root::

    .venv/bin/python bench/run.py            # 5 s per scenario
    .venv/bin/python bench/run.py --quick    # 2 s per scenario
    .venv/bin/python bench/run.py --json     # also write bench/results/<timestamp>.json

The portal (``app:app``) and ``bench/hello.py`` are served by the same gunicorn settings on free
loopback ports, with the portal's instance folder in a throw-away directory. Each scenario of
``bench/scenarios.py`` is checked once, warmed up, then driven by wrk; the report gives req/s, latency
percentiles, errors and the ratio to the hello floor. It is a benchmark, not a test: a missed target
does not change the exit status (0 = ran, 1 = a scenario could not run, 2 = setup failed).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from scenarios import FLOOR, SCENARIOS, Scenario

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LUA = BENCH / "wrk_report.lua"
# Scenarios with a list of requests (``Scenario.rotate``): one after the other, per connection.
ROTATE_LUA = BENCH / "wrk_rotate.lua"
# Loopback only: the benchmark must never listen on or send to another address.
HOST = "127.0.0.1"


@dataclass(frozen=True)
class AppSpec:
    """One app the harness can serve: gunicorn target, code root, extra environment, fixtures."""

    target: str  # gunicorn's APP_MODULE
    root: str  # "bench" (the floor) or "portal" (the working tree, or the --rev export)
    env: dict[str, str] = field(default_factory=dict)  # set after --portal-env, so it wins
    fixtures: str = ""  # "tickets": an API token before start, seeded tickets after (bench/tickets.py)


APP_SPECS = {
    "hello": AppSpec("hello:app", "bench"),
    "portal": AppSpec("app:app", "portal"),
    # The ticket scenarios' own portal (own instance folder and database): rate limiting off, so
    # they measure the app rather than Flask-Limiter's 429s (the API allows 60 creations and 120
    # look-ups per minute per client, the status page 20 per minute).
    "portal-nolimit": AppSpec("app:app", "portal", {"PORTAL_RATELIMIT_ENABLED": "false"}, fixtures="tickets"),
}
# Above this spread between the floor's runs, the ratios are not worth much.
SPREAD_WARNING = 0.10
# A first start applies every migration in each worker (one at a time, under a file lock).
READY_TIMEOUT = 60.0


class SetupError(RuntimeError):
    """The harness could not start (missing wrk, a server that does not come up)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # wrk only takes whole seconds.
    parser.add_argument("--duration", type=int, default=5, help="whole seconds of wrk per scenario (default 5)")
    parser.add_argument("--quick", action="store_true", help="2 s per scenario")
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat the whole sequence and report medians (default 1)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="whole seconds of wrk warm-up per scenario (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only these scenarios (floor always runs)")
    parser.add_argument(
        "--portal-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="PORTAL_* setting for the portal, e.g. RATELIMIT_ENABLED=false (inherited PORTAL_* are dropped)",
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const="",
        metavar="PATH",
        help="write results as JSON (default path: bench/results/<timestamp>.json)",
    )
    parser.add_argument(
        "--rev",
        metavar="GIT_REV",
        help="benchmark the portal as committed at GIT_REV (exported with git archive) instead of the working tree",
    )
    parser.add_argument("--verbose", action="store_true", help="print wrk's own output and the server commands")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = 2
    if args.duration <= 0 or args.rounds < 1 or args.workers < 1 or args.warmup < 0:
        parser.error("--duration, --rounds and --workers must be positive, --warmup not negative")
    return args


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


class Server:
    """One gunicorn master (and its workers) in its own process group, stopped by ``stop``."""

    def __init__(self, name: str, chdir: Path, args: argparse.Namespace, env: dict[str, str], log_dir: Path):
        self.name, self.chdir, self.args, self.env = name, chdir, args, env
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
            "--chdir", str(self.chdir), APP_SPECS[self.name].target,
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
    method, path, body = lists[scenario.rotate][0]
    return replace(scenario, method=method, path=path, body=body), server.context["files"][scenario.rotate]


def run_wrk(port: int, scenario: Scenario, seconds: int, args: argparse.Namespace, rotate: Path | None = None) -> dict:
    """Drive ``scenario`` with wrk for ``seconds`` and return the numbers the Lua script printed."""
    script = ROTATE_LUA if rotate else LUA
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    for key, value in scenario.headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(f"http://{HOST}:{port}{scenario.path}")
    env = {**os.environ, "WRK_METHOD": scenario.method, "WRK_BODY": scenario.body, "WRK_REQUESTS": str(rotate or "")}
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if args.verbose:
        print(out.stdout, out.stderr, sep="", file=sys.stderr)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed for {scenario.label} (exit {out.returncode}): {out.stderr or out.stdout}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    lat = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": lat["p50"] / 1000,
        "p95_ms": lat["p95"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "errors": raw["errors"],
        "error_count": sum(raw["errors"].values()),
        "kb_per_request": raw["bytes"] / max(raw["requests"], 1) / 1024,
    }


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
            run_wrk(server.port, scenario, args.warmup, args, rotate)
    return run_wrk(server.port, scenario, args.duration, args, rotate)


def verdict(scenario: Scenario, result: dict, ratio: float | None) -> str:
    """Return PASS/MISS for a scenario with a target, "" otherwise."""
    if scenario.min_ratio is None or ratio is None:
        return ""
    if result["error_count"]:
        return "MISS (errors)"
    return "PASS" if ratio >= scenario.min_ratio else "MISS"


def format_table(rows: list[dict]) -> str:
    """Render the report rows as an aligned plain-text table."""
    head = ["scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "ratio", "target", "result"]
    body = []
    for row in rows:
        r = row["result"]
        if "skipped" in r:
            body.append([row["label"], "—", "—", "—", "—", "—", "—", row["target"], "SKIPPED: " + r["skipped"]])
            continue
        errors = str(r["error_count"])
        if r["error_count"]:
            errors += " (" + ", ".join(f"{k} {v}" for k, v in r["errors"].items() if v) + ")"
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}"
        body.append(
            [
                row["label"],
                f"{r['rps']:,.0f}",
                f"{r['p50_ms']:.2f}",
                f"{r['p95_ms']:.2f}",
                f"{r['p99_ms']:.2f}",
                errors,
                ratio,
                row["target"],
                row["verdict"],
            ]
        )
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    numeric = {1, 2, 3, 4, 6}

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *map(fmt, body)])


def environment_info(args: argparse.Namespace) -> dict:
    """Describe what was measured, for the report header and the JSON file."""
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    wrk_version = (wrk.stdout or wrk.stderr or "?").splitlines()[0].split(" Copyright")[0].strip()
    rev = [args.rev] if args.rev else ["HEAD"]
    commit = subprocess.run(["git", "rev-parse", "--short", *rev], cwd=ROOT, capture_output=True, text=True)
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit.stdout.strip() or None,
        # The working tree may differ from the commit (uncommitted edits are measured too).
        "tree": f"git archive {args.rev}" if args.rev else "working tree",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "flask": version("flask"),
        "gunicorn": version("gunicorn"),
        "wrk": wrk_version,
        "gunicorn_args": f"-w {args.workers} -k sync --no-control-socket --access-logfile /dev/null",
        "wrk_args": f"-t{args.threads} -c{args.connections} -d{args.duration}s --latency",
        "warmup_s": args.warmup,
        "rounds": args.rounds,
    }


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


def prepare_fixtures(server: Server) -> None:
    """Before the server starts: what its fixtures need in the database (e.g. an API token)."""
    if APP_SPECS[server.name].fixtures == "tickets":
        import tickets

        try:
            server.context["api_token"] = tickets.create_token(server.chdir, server.env)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            raise SetupError(f"{server.name}: {exc}") from exc


def seed_fixtures(server: Server, tmp: Path) -> None:
    """Once the server answers: create its data and write the request lists wrk rotates through."""
    if APP_SPECS[server.name].fixtures != "tickets":
        return
    import tickets

    bodies = tickets.ticket_bodies(tickets.SEED_TICKETS)
    print(f"  {server.name}: seeding {len(bodies)} tickets through the API …", file=sys.stderr, flush=True)
    try:
        created, refused = tickets.seed(server.port, server.context["api_token"], bodies)
    except (RuntimeError, OSError) as exc:
        raise SetupError(f"{server.name}: {exc}\n{server.tail()}") from exc
    for line in tickets.describe_refused(refused):
        print(f"  {server.name}: the portal refused {line} (left out)", file=sys.stderr)
    if len(created) < len(bodies) / 2:
        raise SetupError(f"{server.name}: the portal refused {len(refused)} of {len(bodies)} seeded tickets")
    # Only bodies the portal accepted are posted again by ticket-create.
    lists = {
        "ticket-create": [("POST", "/api/v1/tickets", json.dumps(body)) for body, _ref, _link in created],
        "ticket-api": [("GET", f"/api/v1/tickets/{ref}", "") for _body, ref, _link in created],
        "ticket-status": [("GET", link, "") for _body, _ref, link in created],
    }
    server.context["requests"] = lists
    server.context["files"] = {}
    for name, items in lists.items():
        path = tmp / f"{server.name}-{name}.requests"
        # One request per line, tab-separated; json.dumps escapes tabs and newlines inside bodies.
        path.write_text("".join(f"{m}\t{p}\t{b}\n" for m, p, b in items))
        server.context["files"][name] = path


def export_rev(rev: str, dest: Path) -> Path:
    """Export the tree of git revision ``rev`` into ``dest`` (read-only for the repository) and return it."""
    out = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=False)
    if out.returncode != 0:
        raise SetupError(f"git archive {rev} failed: {out.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(out.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def combine(runs: list[dict]) -> dict:
    """Merge the rounds of one scenario: medians of rate and percentiles, sums of requests and errors."""
    skipped = next((r for r in runs if "skipped" in r), None)
    if skipped is not None:
        return skipped
    med = statistics.median
    errors = {key: sum(r["errors"][key] for r in runs) for key in runs[0]["errors"]}
    return {
        "rps": med(r["rps"] for r in runs),
        "p50_ms": med(r["p50_ms"] for r in runs),
        "p95_ms": med(r["p95_ms"] for r in runs),
        "p99_ms": med(r["p99_ms"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "errors": errors,
        "error_count": sum(errors.values()),
        "kb_per_request": runs[0]["kb_per_request"],
        "rounds_rps": [round(r["rps"], 1) for r in runs],
    }


def benchmark(args: argparse.Namespace, tmp: Path) -> tuple[list[dict], dict]:
    """Start the servers, run every selected scenario, and return the report rows and the floor summary."""
    floor = next(s for s in SCENARIOS if s.name == FLOOR)
    selected = [s for s in SCENARIOS if s.name != FLOOR and (not args.only or s.name in args.only)]
    # gunicorn puts --chdir first on sys.path, ahead of the editable install's finder, so an exported
    # tree's ``portal`` package is the one imported; dependencies still come from the current venv.
    roots = {"bench": BENCH, "portal": export_rev(args.rev, tmp / "tree") if args.rev else ROOT}
    apps = dict.fromkeys(s.app for s in [floor, *selected])
    servers = {}
    for name in apps:
        # Each app its own instance folder (and SQLite database).
        env = {**server_env(tmp / f"instance-{name}", args.portal_env), **APP_SPECS[name].env}
        env["PORTAL_INSTANCE_PATH"] = str(tmp / f"instance-{name}")
        servers[name] = Server(name, roots[APP_SPECS[name].root], args, env, tmp)
    runs: dict[str, list[dict]] = {s.name: [] for s in [floor, *selected]}
    try:
        for server in servers.values():
            prepare_fixtures(server)
            server.start()
            seed_fixtures(server, tmp)
        # The floor opens every round and closes the last one: the divisor is the median of all its
        # runs, and their spread shows whether the machine was busy meanwhile.
        for n in range(args.rounds):
            runs[FLOOR].append(measure(servers, floor, args, first=n == 0))
            for scenario in selected:
                if any("skipped" in r for r in runs[scenario.name]):
                    continue
                print(f"  round {n + 1}/{args.rounds}: {scenario.label} …", file=sys.stderr, flush=True)
                try:
                    runs[scenario.name].append(measure(servers, scenario, args, first=n == 0))
                except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
                    runs[scenario.name].append({"skipped": str(exc).splitlines()[0]})
        runs[FLOOR].append(measure(servers, floor, args, first=False))
    finally:
        for server in servers.values():
            server.stop()
    floor_rps = [r["rps"] for r in runs[FLOOR] if "rps" in r]
    if len(floor_rps) != len(runs[FLOOR]):
        raise SetupError("the hello floor could not be measured; no ratio can be computed")
    divisor = statistics.median(floor_rps)
    rows = []
    for scenario in [floor, *selected]:
        result = combine(runs[scenario.name])
        ratio = result["rps"] / divisor if "rps" in result else None
        rows.append(
            {
                "name": scenario.name,
                "label": scenario.label,
                "description": scenario.description,
                "result": result,
                "ratio": ratio,
                "target": f"≥ {scenario.min_ratio:.2f}" if scenario.min_ratio is not None else "",
                "verdict": verdict(scenario, result, ratio),
            }
        )
    spread = (max(floor_rps) - min(floor_rps)) / divisor
    return rows, {"rps": divisor, "runs": floor_rps, "spread": spread}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report; see the module docstring for exit statuses."""
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install -y --no-install-recommends wrk", file=sys.stderr)
        return 2
    # SIGTERM becomes SystemExit so the finally blocks stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    info = environment_info(args)
    print(
        f"portal bench  {info['tree']} @ {info['commit']}  {info['cpus']} CPUs  Python {info['python']}  "
        f"Flask {info['flask']}  gunicorn {info['gunicorn']}  {info['wrk']}"
    )
    print(f"gunicorn {info['gunicorn_args']}  |  wrk {info['wrk_args']}  (+{args.warmup}s warm-up each)", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
            try:
                rows, floor = benchmark(args, Path(tmp))
            except SetupError as exc:
                print(f"setup failed: {exc}", file=sys.stderr)
                return 2
            except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
                # The floor itself could not be measured (wrk failed): no ratio is possible.
                print(f"run failed: {exc}", file=sys.stderr)
                return 2
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        return 130
    print()
    print(format_table(rows))
    runs = " / ".join(f"{x:,.0f}" for x in floor["runs"])
    print(
        f"\nratio = req/s ÷ hello floor ({floor['rps']:,.0f} req/s, median of its runs: {runs}).\n"
        "Server and wrk share the machine's cores: compare ratios, not absolute numbers."
    )
    if floor["spread"] > SPREAD_WARNING:
        print(
            f"warning: the floor runs differ by {floor['spread']:.0%}; the machine was busy or noisy. "
            + ("Rerun when it is quiet." if args.rounds > 1 else "Rerun, or use --rounds 3.")
        )
    if args.json is not None:
        path = Path(args.json) if args.json else BENCH / "results" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"environment": info, "floor": floor, "scenarios": rows}, indent=2) + "\n")
        print(f"results written to {path}")
    return 1 if any("skipped" in row["result"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
