"""``flask jobs run`` at 10,000 and 100,000 open tickets, the same number of them due.

One command: ``python bench/jobs_bench.py [--due D] [--sizes 10000 100000] [--pg] [--pg-url URL]``.
For each size it builds a throw-away database, inserts that many open CRSM.01 tickets of which
``D`` have crossed their norm, and times one ``flask jobs run`` (every registered job, in the
runner's order, each under its lock, as the command runs them), printing each job's time. The
norma-waktu scan (``tickets.norm_alerts``) reads ``ticket.next_alert_at <= now`` through its
index, so its time, and the whole run's, should be close at both sizes: the work grows with
the tickets that are due, not with all tickets. The daily ``performance.refresh`` (the figures
of /kinerja, a 12-month aggregate over every ticket) is timed apart: it runs once a day.

Databases: SQLite in a temporary instance folder, always; with ``--pg``, ``--pg-url URL`` or the
environment variable ``PORTAL_BENCH_PG_URL`` also PostgreSQL: two databases ``bench_<random>``
(the portal's and the SIAP bind's) per size on that server, or on the running cluster as the
``portal_test`` role (``bench/pgdb.py``), dropped at the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

NOW = datetime.fromisoformat("2026-12-01T15:00:00+07:00")  # CRSM.01 (16 h) received 27 Nov is overdue
RECEIVED = datetime.fromisoformat("2026-11-27T08:00:00+07:00")
LATER = datetime.fromisoformat("2027-06-01T08:00:00+07:00")  # the not-due tickets' next look
DAILY = "performance.refresh"
ENV_PG_URL = "PORTAL_BENCH_PG_URL"


def _app(instance: Path, urls: tuple[str, str] | None):
    from portal import create_app

    config = {"INSTANCE_PATH": str(instance), "NOW": NOW}
    if urls:
        config["SQLALCHEMY_DATABASE_URI"] = urls[0]
        config["SQLALCHEMY_BINDS"] = {"siap": urls[1]}
    return create_app(config)


def _fill(app, size: int, due: int) -> None:
    from sqlalchemy import insert

    from portal.extensions import db
    from portal.tickets.models import Ticket

    common = {
        "channel": "web", "code": "CRSM.01", "service_code": "CRSM.01", "request_type": "pembuatan-tiket",
        "catalog_version": "2023.0", "owner_unit": "Direktorat SITP", "subject": "Bench", "detail": "",
        "data": {}, "requester_name": "Budi", "requester_email": "budi@satker.go.id", "user_type": 1,
        "status": "diproses", "received_at": RECEIVED, "due_at": RECEIVED + timedelta(days=3),
        "updated_at": RECEIVED, "token_hash": "0" * 64, "token_expires_at": LATER, "paused_hours": 0.0,
    }
    with app.app_context():
        for start in range(0, size, 5000):
            rows = [
                {**common, "reference": f"B-{i:08d}", "next_alert_at": RECEIVED if i < due else LATER}
                for i in range(start, min(size, start + 5000))
            ]
            db.session.execute(insert(Ticket), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # fresh statistics, as autovacuum would give a live desk
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE ticket")
                conn.commit()


def _time(app) -> dict[str, float]:
    """Run every registered job once, as ``flask jobs run`` does; return each job's seconds."""
    from portal.core.clock import now
    from portal.extensions import db
    from portal.jobs import service
    from portal.jobs.registry import registered

    times = {}
    with app.app_context():
        for job in registered(app):
            started = time.perf_counter()
            outcome = service.run_job(db.session(), job, now())
            times[job.name] = time.perf_counter() - started
            print(f"    {job.name}: {times[job.name]:.3f} s ({outcome.summary})")
    return times


def _one(size: int, due: int, server: str | None) -> dict[str, float]:
    import pgdb

    made: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            urls = None
            if server:
                main_url, siap_url = pgdb.create_databases(server, 2)
                made = [main_url, siap_url]
                urls = (main_url, siap_url)
            app = _app(Path(folder), urls)
            _fill(app, size, due)
            print(f"  {size} open tickets, {due} due:")
            times = _time(app)
            from portal.core.dbsetup import dispose_engines

            dispose_engines(app)
            return times
        finally:
            if made:
                pgdb.drop_databases(server, made)


def _report(label: str, sizes: list[int], results: dict[int, dict[str, float]]) -> None:
    low, high = min(sizes), max(sizes)

    def minute(t: dict[str, float]) -> float:
        return sum(v for k, v in t.items() if k != DAILY)

    for name, pick in (("norm alerts", lambda t: t["tickets.norm_alerts"]), ("jobs run, every-minute jobs", minute)):
        a, b = pick(results[low]), pick(results[high])
        print(f"{label}: {name}: {a:.3f} s at {low}, {b:.3f} s at {high}, ratio {b / a:.2f}")
    a, b = results[low].get(DAILY, 0.0), results[high].get(DAILY, 0.0)
    print(f"{label}: {DAILY} (daily, grows with all tickets): {a:.3f} s at {low}, {b:.3f} s at {high}")


def main() -> None:
    """Time the jobs at each size, on SQLite and (when asked) PostgreSQL, and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--pg", action="store_true", help="also PostgreSQL, on the running cluster")
    parser.add_argument("--pg-url", default=os.environ.get(ENV_PG_URL), help=f"PostgreSQL server (env {ENV_PG_URL})")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    logging.getLogger("portal").setLevel(logging.ERROR)
    backends: list[tuple[str, str | None]] = [] if args.no_sqlite else [("SQLite", None)]
    if args.pg or args.pg_url:
        import pgdb

        backends.append(("PostgreSQL", pgdb.server_url(args.pg_url)))
    for label, server in backends:
        print(label)
        results = {size: _one(size, args.due, server) for size in args.sizes}
        _report(label, args.sizes, results)


if __name__ == "__main__":
    main()
