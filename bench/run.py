"""Benchmark the portal against a minimal Flask app with gunicorn + wrk, all on 127.0.0.1.

Run from the repository root::

    .venv/bin/python bench/run.py            # 5 s per scenario
    .venv/bin/python bench/run.py --quick    # 2 s per scenario
    .venv/bin/python bench/run.py --json     # also write bench/results/<timestamp>.json
    .venv/bin/python bench/run.py --only mixed --only mixed-kill   # the mixed workload on SQLite

The portal (``app:app``) and ``bench/hello.py`` are served by the same gunicorn settings on free
loopback ports, with the portal's instance folder in a throw-away directory. Each scenario of
``bench/scenarios.py`` is checked once, warmed up, then driven by wrk; the report gives req/s, latency
percentiles, errors and the ratio to the hello floor. The mixed workload (``bench/mixed.py``) runs on
SQLite and on PostgreSQL (``bench/pgdb.py``), also while a worker is SIGKILLed, and every reference
a client received is looked up in the database afterwards. It is a benchmark, not a test: a missed
target does not change the exit status (0 = ran, 1 = a scenario could not run or a submission was
lost or duplicated, 2 = setup failed); PostgreSQL rows SKIPPED for want of a server do not count.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import mixed
import pgdb

# The building blocks, re-exported: concurrency.py and backoffice_bench.py use them as run.<name>.
from harness import (  # noqa: F401
    BENCH,
    HOST,
    ROOT,
    Server,
    SetupError,
    export_rev,
    free_port,
    measure,
    request,
    resolve,
    run_wrk,
    server_env,
)
from report import combine, environment_info, failed_checks, print_report, verdict
from scenarios import FLOOR, SCENARIOS, Scenario


@dataclass(frozen=True)
class AppSpec:
    """One app the harness can serve: gunicorn target, code root, extra environment, fixtures."""

    target: str  # gunicorn's APP_MODULE
    root: str  # "bench" (the floor) or "portal" (the working tree, or the --rev export)
    env: dict[str, str] = field(default_factory=dict)  # set after --portal-env, so it wins
    fixtures: str = ""  # "tickets": an API token before start, seeded tickets after (bench/tickets.py)
    database: str = "sqlite"  # "postgresql": throw-away databases on a running server (bench/pgdb.py)


APP_SPECS = {
    "hello": AppSpec("hello:app", "bench"),
    "portal": AppSpec("app:app", "portal"),
    # The ticket scenarios' own portal (own instance folder and database): rate limiting off, so
    # they measure the app rather than Flask-Limiter's 429s (the API allows 60 creations and 120
    # look-ups per minute per client, the status page 20 per minute).
    "portal-nolimit": AppSpec("app:app", "portal", {"PORTAL_RATELIMIT_ENABLED": "false"}, fixtures="tickets"),
    # The same on PostgreSQL (main database and SIAP bind), for the mixed workload.
    "portal-nolimit-pg": AppSpec(
        "app:app", "portal", {"PORTAL_RATELIMIT_ENABLED": "false"}, fixtures="tickets", database="postgresql"
    ),
}


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
    parser.add_argument(
        "--pg-url",
        metavar="URL",
        help="PostgreSQL server for the -pg scenarios, as a role that may create databases "
        "(default: a running cluster of pg_lsclusters, as portal_test)",
    )
    parser.add_argument("--verbose", action="store_true", help="print wrk's own output and the server commands")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = 2
    if args.duration <= 0 or args.rounds < 1 or args.workers < 1 or args.warmup < 0:
        parser.error("--duration, --rounds and --workers must be positive, --warmup not negative")
    return args


def prepare_fixtures(server: Server) -> None:
    """Before the server starts: what its fixtures need in the database (e.g. an API token)."""
    if APP_SPECS[server.name].fixtures == "tickets":
        import tickets

        try:
            server.context["api_token"] = tickets.create_token(server.chdir, server.env)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            raise SetupError(f"{server.name}: {exc}") from exc


def seed_fixtures(server: Server, tmp: Path, rotates: set[str] | None = None) -> None:
    """Once the server answers: create its data and write the request lists wrk rotates through.

    The mixed workload's list, whose pages are each tried once first, is only made when
    ``rotates`` (the lists the selected scenarios use; None = all) names it.
    """
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
    # Each seeded ticket's private link opened once, as its requester would: the token is traded
    # for a grant (303), the thread then read with the grant cookie alone.
    try:
        threads = tickets.open_threads(server.port, [link for _body, _ref, link in created])
    except (RuntimeError, OSError) as exc:
        raise SetupError(f"{server.name}: {exc}\n{server.tail()}") from exc
    # Only bodies the portal accepted are posted again by ticket-create.
    lists = {
        "ticket-create": [("POST", "/api/v1/tickets", json.dumps(body)) for body, _ref, _link in created],
        "ticket-api": [("GET", f"/api/v1/tickets/{ref}", "") for _body, ref, _link in created],
        "ticket-status": [("GET", path, "", cookie) for path, cookie in threads],
    }
    if rotates is None or "mixed" in rotates:
        print(f"  {server.name}: building the mixed workload (each page and search tried once) …", file=sys.stderr)
        lists["mixed"], dropped = mixed.request_list(
            [body for body, _ref, _link in created],
            threads,
            lambda path: request(server.port, Scenario("check", server.name, path, "")),
        )
        for line in dropped:
            print(f"  {server.name}: mixed workload: left out {line}", file=sys.stderr)
    server.context["requests"] = lists
    server.context["files"] = {}
    for name, items in lists.items():
        path = tmp / f"{server.name}-{name}.requests"
        # One request per line, tab-separated (method, path, body[, cookie]); json.dumps escapes tabs
        # and newlines inside bodies.
        path.write_text("".join("\t".join(item) + "\n" for item in items))
        server.context["files"][name] = path


def attach_database(server: Server, args: argparse.Namespace, made: list[tuple[str, str]]) -> None:
    """Point a server at its database and note its URL for the submission checks.

    SQLite: the ``portal.db`` of its instance folder (unless ``--portal-env`` named another
    database). PostgreSQL (``AppSpec.database``): two fresh databases, the portal's and the SIAP
    bind's, appended to ``made`` as (server URL, database URL) for the caller to drop. Raises
    ``pgdb.Unavailable`` when no PostgreSQL server is reachable.
    """
    if APP_SPECS[server.name].database != "postgresql":
        default = f"sqlite:///{server.env['PORTAL_INSTANCE_PATH']}/portal.db"
        server.context["database_url"] = server.env.get("PORTAL_SQLALCHEMY_DATABASE_URI") or default
        return
    admin = pgdb.server_url(args.pg_url)
    main_url, siap_url = pgdb.create_databases(admin, 2)
    made += [(admin, main_url), (admin, siap_url)]
    server.env["PORTAL_SQLALCHEMY_DATABASE_URI"] = server.context["database_url"] = main_url
    server.env["PORTAL_SQLALCHEMY_BINDS"] = json.dumps({"siap": siap_url})


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
        servers[name] = Server(name, roots[APP_SPECS[name].root], args, env, tmp, APP_SPECS[name].target)
    runs: dict[str, list[dict]] = {s.name: [] for s in [floor, *selected]}
    made: list[tuple[str, str]] = []  # PostgreSQL databases to drop at the end
    try:
        for server in list(servers.values()):
            try:
                attach_database(server, args, made)
            except pgdb.Unavailable as exc:
                # Its scenarios become SKIPPED rows; not a failure of the run (exit status).
                print(f"  {server.name}: not started, {exc}", file=sys.stderr)
                del servers[server.name]
                for scenario in selected:
                    if scenario.app == server.name:
                        runs[scenario.name].append({"skipped": str(exc), "unavailable": True})
                continue
            prepare_fixtures(server)
            server.start()
            seed_fixtures(server, tmp, {s.rotate for s in selected if s.app == server.name})
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
        for admin, url in made:
            pgdb.drop_databases(admin, [url])
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
    print(f"gunicorn {info['gunicorn_args']}  |  wrk {info['wrk_args']}  (+{args.warmup}s warm-up each)")
    print(f"load average at the start: {info['load_average']}", flush=True)
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
    print_report(rows, floor, args)
    if args.json is not None:
        path = Path(args.json) if args.json else BENCH / "results" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"environment": info, "floor": floor, "scenarios": rows}, indent=2) + "\n")
        print(f"results written to {path}")
    could_not_run = any("skipped" in row["result"] and not row["result"].get("unavailable") for row in rows)
    return 1 if could_not_run or failed_checks(rows) else 0


if __name__ == "__main__":
    sys.exit(main())
