"""``flask jobs run`` at 10,000 and 100,000 open tickets, the same number of them due.

One command: ``python bench/jobs_bench.py [--due D] [--sizes 10000 100000] [--pg-url URL]``.
For each size it builds a throw-away database (SQLite in a temporary instance folder, or the
PostgreSQL database given, emptied of tickets first), inserts that many open CRSM.01 tickets of
which ``D`` have crossed their norm, and times the norma-waktu job (``tickets.norm_alerts``)
once. The scan reads ``ticket.next_alert_at <= now`` through its index, so the two times should
be close: the work grows with the tickets that are due, not with all tickets.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime.fromisoformat("2026-12-01T15:00:00+07:00")  # CRSM.01 (16 h) received 27 Nov is overdue
RECEIVED = datetime.fromisoformat("2026-11-27T08:00:00+07:00")
LATER = datetime.fromisoformat("2027-06-01T08:00:00+07:00")  # the not-due tickets' next look


def _app(instance: Path, pg_url: str | None):
    from portal import create_app

    config = {"INSTANCE_PATH": str(instance), "NOW": NOW}
    if pg_url:
        config["SQLALCHEMY_DATABASE_URI"] = pg_url
    return create_app(config)


def _fill(app, size: int, due: int) -> None:
    from sqlalchemy import delete, insert

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
        db.session.execute(delete(Ticket))
        for start in range(0, size, 5000):
            rows = [
                {**common, "reference": f"B-{i:08d}", "next_alert_at": RECEIVED if i < due else LATER}
                for i in range(start, min(size, start + 5000))
            ]
            db.session.execute(insert(Ticket), rows)
        db.session.commit()


def _time(app) -> float:
    from portal.core.clock import now
    from portal.extensions import db
    from portal.jobs import service

    with app.app_context():
        started = time.perf_counter()
        [outcome] = service.run_due(app, db.session(), now(), ("tickets.norm_alerts",))
        elapsed = time.perf_counter() - started
        print(f"    {outcome.summary}")
        return elapsed


def main() -> None:
    """Time the job at each size and print the ratio of the largest to the smallest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--pg-url", default=None)
    args = parser.parse_args()
    logging.getLogger("portal").setLevel(logging.ERROR)
    times = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            app = _app(Path(folder), args.pg_url)
            _fill(app, size, args.due)
            print(f"{size} open tickets, {args.due} due:")
            times[size] = _time(app)
            print(f"    jobs run (norm alerts): {times[size]:.3f} s")
    low, high = min(args.sizes), max(args.sizes)
    print(f"ratio {high} / {low}: {times[high] / times[low]:.2f} (close to 1: the scan follows the due tickets)")


if __name__ == "__main__":
    main()
