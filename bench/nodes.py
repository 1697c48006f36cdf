"""The mixed workload against one node and against two, on one PostgreSQL and one Redis (issue 21).

Run from the repository root::

    .venv/bin/python bench/nodes.py            # 5 s per row
    .venv/bin/python bench/nodes.py --quick    # 2 s per row

Both nodes run ``app:app`` under ``run.py``'s gunicorn settings (``--workers`` each), with the
reference topology's settings (README): the same secret key and SIAP pepper, ``REDIS_URL`` (a
private ``redis-server`` on a free loopback port, nothing saved), ``FILE_STORE=database``, two
throw-away PostgreSQL databases, rate limiting off (as for the other mixed rows). Node A gets the
fixtures of the mixed workload (``run.py``: 300 seeded tickets, request list); node B shares its
database, so the same list works on both. Rows:

- ``mixed-1node``: wrk (``--threads`` / ``--connections``) against node A alone;
- ``mixed-2nodes``: two wrk processes at once, each with half the threads and connections, one
  per node (wrk speaks to one address; a proxy in between would measure the proxy too). req/s is
  the sum; the percentiles are the worse of the two nodes' (not a merged histogram).

Every reference a client received is looked up in the database afterwards, as for ``mixed``.
Both nodes share this machine's cores with each other and with wrk: two nodes cannot serve more
than one here; what the rows show is what the shared stores cost and that nothing is lost.
Exit status as ``run.py``: 0 ran, 1 a submission lost or duplicated, 2 setup failed.
"""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from argparse import Namespace
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

import mixed
import pgdb
import run
from report import combine, failed_checks, print_report
from scenarios import FLOOR, SCENARIOS


@contextmanager
def redis_server(tmp: Path):
    """A private ``redis-server`` on a free loopback port; yields its URL, stops it at exit."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise run.SetupError("redis-server not found: apt-get install -y --no-install-recommends redis-server")
    port = run.free_port()
    command = [binary, "--bind", run.HOST, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp)]
    with open(tmp / "redis.log", "wb") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(0.5)
        if proc.poll() is not None:
            raise run.SetupError(f"redis-server did not start: {(tmp / 'redis.log').read_text()[-500:]}")
        yield f"redis://{run.HOST}:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def two_nodes(args: Namespace, tmp: Path, stack: ExitStack) -> tuple[run.Server, run.Server]:
    """Start node A (with the mixed workload's fixtures) and node B on one database and one Redis."""
    admin = pgdb.server_url(args.pg_url)
    main_url, siap_url = pgdb.create_databases(admin, 2)
    stack.callback(pgdb.drop_databases, admin, [main_url, siap_url])
    shared = {
        "PORTAL_SQLALCHEMY_DATABASE_URI": main_url,
        "PORTAL_SQLALCHEMY_BINDS": json.dumps({"siap": siap_url}),
        "PORTAL_REDIS_URL": stack.enter_context(redis_server(tmp)),
        "PORTAL_FILE_STORE": "database",
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
        "PORTAL_SIAP_PEPPER": secrets.token_hex(32),
        "PORTAL_RATELIMIT_ENABLED": "false",
    }
    nodes = []
    for name in ("portal-nolimit-pg", "node-b"):  # A's name selects run.py's ticket fixtures
        env = {**run.server_env(tmp / f"instance-{name}", args.portal_env), **shared}
        env["PORTAL_INSTANCE_PATH"] = str(tmp / f"instance-{name}")
        nodes.append(run.Server(name, run.ROOT, args, env, tmp))
    a, b = nodes
    a.context["database_url"] = main_url
    run.prepare_fixtures(a)
    a.start()
    stack.callback(a.stop)
    run.seed_fixtures(a, tmp, {"mixed"})
    b.context = a.context  # one database: the same token, tickets, grants and request list
    b.start()
    stack.callback(b.stop)
    return a, b


def measure_two(a: run.Server, b: run.Server, scenario, args: Namespace, first: bool) -> dict:
    """The mixed workload through both nodes at once, half the connections each."""
    scenario, rotate = run.resolve(scenario, a)
    half = Namespace(
        **{**vars(args), "threads": max(1, args.threads // 2), "connections": max(1, args.connections // 2)}
    )
    if first and args.warmup > 0:
        for node in (a, b):
            run.run_wrk(node.port, scenario, args.warmup, half, rotate, run_id="warmup")
    # One run id per node: wrk numbers its threads from 0 in each process, so the markers
    # [mix-<run>-<thread>-<n>] of two processes sharing a run id would collide.
    run_ids = {node.name: secrets.token_hex(4) for node in (a, b)}
    results: dict[str, dict] = {}
    failures: list[BaseException] = []

    def drive(node: run.Server) -> None:
        try:
            results[node.name] = run.run_wrk(
                node.port, scenario, args.duration, half, rotate, run_id=run_ids[node.name]
            )
        except BaseException as exc:  # noqa: BLE001  (re-raised below, in the calling thread)
            failures.append(exc)

    threads = [threading.Thread(target=drive, args=(node,)) for node in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    time.sleep(mixed.SETTLE_SECONDS)
    parts = list(results.values())
    checks = [mixed.verify(a.context["database_url"], run_ids[name], results[name].pop("mix")) for name in results]
    errors = {key: sum(p["errors"][key] for p in parts) for key in parts[0]["errors"]}
    codes: dict[str, int] = {}
    for check in checks:
        for code, n in check["codes"].items():
            codes[code] = codes.get(code, 0) + n
    submissions = {
        key: sum(c[key] for c in checks) for key in ("posts", "received", "in_db", "lost", "duplicated", "orphans")
    }
    merged = {
        "requests": sum(p["requests"] for p in parts),
        "rps": sum(p["rps"] for p in parts),
        **{key: max(p[key] for p in parts) for key in ("p50_ms", "p95_ms", "p99_ms")},
        "errors": errors,
        "error_count": sum(errors.values()),
        "kb_per_request": parts[0]["kb_per_request"],
        "submissions": {
            **submissions,
            "codes": codes,
            "examples": [x for c in checks for x in c["examples"]],
            "fault": "",
        },
    }
    return merged


def benchmark(args: Namespace, tmp: Path) -> tuple[list[dict], dict]:
    """Run the floor, one node and two nodes; return the report rows and the floor summary."""
    floor = next(s for s in SCENARIOS if s.name == FLOOR)
    workload = next(s for s in SCENARIOS if s.name == "mixed-pg")
    one = replace(workload, name="mixed-1node", path="<mixed> 1 node, PG + Redis")
    two = replace(workload, name="mixed-2nodes", path="<mixed> 2 nodes, PG + Redis")
    runs: dict[str, list[dict]] = {FLOOR: [], one.name: [], two.name: []}
    with ExitStack() as stack:
        hello = run.Server("hello", run.BENCH, args, run.server_env(tmp / "instance-hello", []), tmp, "hello:app")
        hello.start()
        stack.callback(hello.stop)
        a, b = two_nodes(args, tmp, stack)
        servers = {"hello": hello, "portal-nolimit-pg": a}
        for n in range(args.rounds):
            runs[FLOOR].append(run.measure(servers, floor, args, first=n == 0))
            print(f"  round {n + 1}/{args.rounds}: one node …", file=sys.stderr, flush=True)
            runs[one.name].append(run.measure(servers, workload, args, first=n == 0))
            print(f"  round {n + 1}/{args.rounds}: two nodes …", file=sys.stderr, flush=True)
            runs[two.name].append(measure_two(a, b, workload, args, first=n == 0))
        runs[FLOOR].append(run.measure(servers, floor, args, first=False))
    floor_rps = [r["rps"] for r in runs[FLOOR]]
    divisor = sorted(floor_rps)[len(floor_rps) // 2]
    rows = []
    for scenario in (floor, one, two):
        result = combine(runs[scenario.name])
        rows.append(
            {
                "name": scenario.name,
                "label": scenario.label,
                "description": scenario.description,
                "result": result,
                "ratio": result["rps"] / divisor if "rps" in result else None,
                "target": "",
                "verdict": "",
            }
        )
    spread = (max(floor_rps) - min(floor_rps)) / divisor
    return rows, {"rps": divisor, "runs": floor_rps, "spread": spread}


def main(argv: list[str] | None = None) -> int:
    """Run and print the report (exit statuses in the module docstring)."""
    args = run.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install -y --no-install-recommends wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"two nodes vs one: gunicorn -w {args.workers} per node, wrk -t{args.threads} -c{args.connections} in all")
    try:
        with tempfile.TemporaryDirectory(prefix="portal-nodes-") as tmp:
            rows, floor = benchmark(args, Path(tmp))
    except (run.SetupError, pgdb.Unavailable) as exc:
        print(f"setup failed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        return 130
    print_report(rows, floor, args)
    return 1 if failed_checks(rows) else 0


if __name__ == "__main__":
    sys.exit(main())
