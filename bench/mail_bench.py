"""Incoming mail benchmark: messages ingested per second beside form submissions per second.

One command: ``python bench/mail_bench.py [--seconds S] [--pg-url URL]``. Both measures run in
the same process, on the same throw-away database (SQLite in a temporary instance folder, or a
fresh PostgreSQL database with ``--pg-url``), one after the other, so their ratio compares the
two entry points of a ticket on this machine today:

1. mail: the readable messages of ``tests/mail/corpus`` in turn (each with a new Message-ID, so
   each makes its ticket, reply, hold, report or quarantine row), through ``inbound.ingest`` as
   ``flask mail ingest`` calls it, without the process start an MTA pipe adds;
2. form: ``POST /permintaan/CRSM.01/pembuatan-tiket`` through the test client (the web form's
   whole path: CSRF off, validation, ticket, confirmation queued).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "mail" / "corpus"
FORM = {
    "pengguna": "1",
    "nama": "Budi",
    "email": "budi@satker.go.id",
    "subjek": "Reset user SAKTI",
    "detail": "Akun SAKTI terkunci setelah salah kata sandi.",
}


def _app(instance: Path, pg_url: str | None):
    from portal import create_app

    config = {"INSTANCE_PATH": str(instance), "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False}
    if pg_url:
        config["SQLALCHEMY_DATABASE_URI"] = pg_url
    # No cap on automatic replies: every message pays for its confirmation, like a form does.
    config["MAIL_AUTO_REPLY_PER_HOUR"] = 10**9
    return create_app(config)


def _variants() -> list[bytes]:
    messages = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    return [re.sub(rb"(?im)^Message-ID:[^\r\n]*\r?\n", b"", m) for m in messages]


def mail_rate(app, seconds: float) -> tuple[float, int]:
    """Messages per second through ``inbound.ingest`` for ``seconds``."""
    from portal.catalog.service import get_catalog
    from portal.core.clock import now
    from portal.core.desk import get_calendar
    from portal.extensions import db
    from portal.mail import inbound

    variants = _variants()
    count, started = 0, time.perf_counter()
    with app.test_request_context(base_url=app.config["MAIL_PORTAL_URL"]):
        settings, version = inbound.Settings.of(app), get_catalog().version
        while time.perf_counter() - started < seconds:
            raw = variants[count % len(variants)]
            unique = f"Message-ID: <bench-{count}@bench.example>\r\n".encode()
            inbound.ingest(
                db.session(), unique + raw, settings, calendar=get_calendar(), catalog_version=version, now=now()
            )
            count += 1
    return count / (time.perf_counter() - started), count


def form_rate(app, seconds: float) -> tuple[float, int]:
    """Form submissions per second for ``seconds``."""
    client = app.test_client()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        response = client.post("/permintaan/CRSM.01/pembuatan-tiket", data={**FORM, "subjek": f"Bench {count}"})
        if response.status_code != 303:
            raise SystemExit(f"form submission failed: {response.status_code}")
        count += 1
    return count / (time.perf_counter() - started), count


def main() -> int:
    """Run both measures and print them with their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measure")
    parser.add_argument("--pg-url", default=None, help="a fresh PostgreSQL database URL (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mail-bench-") as folder:
        app = _app(Path(folder) / "instance", args.pg_url)
        form_rate(app, 0.5)  # warm-up: templates compiled, catalog and index loaded
        mail_rate(app, 0.5)
        mail, mail_n = mail_rate(app, args.seconds)
        form, form_n = form_rate(app, args.seconds)
    database = "PostgreSQL" if args.pg_url else "SQLite"
    print(f"database: {database}, {args.seconds:g} s per measure, corpus: {len(_variants())} messages")
    print(f"{'mail ingested':<22}{mail:>10.1f} /s  ({mail_n} messages)")
    print(f"{'form submissions':<22}{form:>10.1f} /s  ({form_n} requests)")
    print(f"{'ratio mail / form':<22}{mail / form:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
