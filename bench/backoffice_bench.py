"""Back-office benchmark: the unit queue and the dashboard with 100,000 tickets vs a catalog page.

Run from the repository root (wrk on the PATH)::

    .venv/bin/python bench/backoffice_bench.py                     # 100,000 tickets, 5 s per page
    .venv/bin/python bench/backoffice_bench.py --tickets 20000 --duration 3

1. Creates a throw-away instance folder (``PORTAL_INSTANCE_PATH``), lets the app apply its
   migrations, creates one unit lead of Direktorat SITP (the unit with the most services) and
   bulk-inserts the tickets with SQLAlchemy Core: spread over every help-desk service, channel and
   status, received over the last 90 working days, most of the old ones resolved (some beyond the
   norm), about a third of the resolved ones with a survey answer.
2. Starts gunicorn exactly as ``bench/run.py`` does (its ``Server``), rate limiting off
   (``PORTAL_RATELIMIT_ENABLED=false``), and signs in once through ``POST /staf/masuk``.
3. Drives each page with wrk (``run.run_wrk``) sending that session cookie (and the same
   User-Agent, since Flask-Login's strong session protection ties the session to it).

The target: the unit queue and the dashboard within 4 × the latency of a catalog page. The
catalog page is measured twice: anonymous (served from the per-process page cache) and with the
same session cookie (rendered each time, as the back-office pages are). The dashboard is measured
as served (figures cached up to a minute per process) and with the cache off, i.e. every request
recomputing every figure over the whole table.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import run  # bench/run.py: the gunicorn Server, wrk driver and environment rules
from scenarios import Scenario

USER_AGENT = "backoffice-bench/1"
EMAIL = "ketua.bench@kemenkeu.go.id"
UNIT = "Direktorat SITP"
TARGET = 4.0
CHANNELS = {
    "portal": 45,
    "email": 15,
    "call_center": 12,
    "whatsapp": 12,
    "hai_cso": 6,
    "web_chat": 5,
    "api": 3,
    "twitter": 1,
    "instagram": 1,
    "facebook": 1,
}
WORKING_DAYS = 90


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets to insert (default 100000)")
    parser.add_argument("--duration", type=int, default=5, help="whole seconds of wrk per page (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="whole seconds of warm-up per page (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--verbose", action="store_true", help="print wrk's own output")
    return parser.parse_args(argv)


class WorkingHours:
    """Fast working-time arithmetic over a precomputed list of working days (08.00–16.00 each)."""

    def __init__(self, calendar, now: datetime, back: int, ahead: int = 400):
        day = now.astimezone(calendar.tz).date()
        past, future = [], []
        probe = day
        while len(past) < back:
            probe -= timedelta(days=1)
            if calendar.is_working_day(probe):
                past.append(probe)
        probe = day - timedelta(days=1)
        while len(future) < ahead:
            probe += timedelta(days=1)
            if calendar.is_working_day(probe):
                future.append(probe)
        self.days = past[::-1] + future
        self.today = len(past)  # index of the first day on or after today
        self.calendar = calendar
        self.per_day = calendar.hours_per_day

    def moment(self, position: float) -> datetime:
        """The moment ``position`` working hours after the opening of the first day."""
        index, offset = divmod(position, self.per_day)
        index = int(index)
        if offset == 0 and index > 0:  # the end of a day, not the opening of the next
            index, offset = index - 1, self.per_day
        opening = datetime.combine(self.days[index], self.calendar.open_time, self.calendar.tz)
        return (opening + timedelta(hours=offset)).astimezone(UTC)


def ticket_rows(n: int, catalog, calendar, now: datetime, rng: random.Random):
    """Yield ``n`` ticket rows and, for some resolved ones, a survey row (``("survey", row)``)."""
    from portal.tickets.service import needs_subscope, owner_unit

    codes = []
    for service in catalog.services:
        if service.code == "WBSM.01":
            continue  # complaints live in SIAP, never in the help-desk database
        subs = [s.code for s in service.subscopes]
        codes += subs if needs_subscope(catalog, service.code) else [service.code, *subs]
    channels, weights = zip(*CHANNELS.items(), strict=True)
    hours = WorkingHours(calendar, now, WORKING_DAYS)
    now_pos = hours.today * hours.per_day - 1.0  # one working hour before the last closing
    for i in range(1, n + 1):
        code = rng.choice(codes)
        service = catalog.service_of(code)
        norm = service.max_hours
        received_pos = rng.uniform(0, now_pos)
        age = now_pos - received_pos
        row = {
            "id": i,
            "reference": f"HAI-BENCH-{i:07d}",
            "channel": rng.choices(channels, weights)[0],
            "code": code,
            "service_code": service.code,
            "request_type": "pembuatan-tiket",
            "catalog_version": catalog.version,
            "owner_unit": owner_unit(catalog, code),
            "subject": f"Permintaan uji {i}",
            "detail": "Data uji beban back office.",
            "data": {},
            "requester_name": "Pengguna Uji",
            "requester_email": f"pengguna{i % 5000}@contoh.go.id",
            "user_type": rng.choice(sorted(service.eligible)),
            "status": "baru",
            "received_at": hours.moment(received_pos),
            "due_at": hours.moment(received_pos + norm),
            "updated_at": hours.moment(received_pos),
            "token_hash": hashlib.sha256(str(i).encode()).hexdigest(),
            "token_expires_at": now + timedelta(days=30),
            "paused_hours": 0.0,
            # executemany wants the same keys in every row
            **dict.fromkeys(("resolved_at", "resolved_hours", "closed_at", "paused_at", "fulfilment")),
        }
        took = norm * rng.lognormvariate(-0.6, 0.5)  # about 12 % beyond the norm
        if took < age:
            row.update(status="selesai", resolved_at=hours.moment(received_pos + took), resolved_hours=round(took, 2))
            row["fulfilment"] = "solusi"
            if age - took > 40 and rng.random() < 0.8:
                row.update(status="ditutup", closed_at=hours.moment(received_pos + took + 40))
            if rng.random() < 0.33:
                rating = rng.choices((1, 2, 3, 4, 5), (3, 5, 15, 40, 37))[0]
                yield "survey", {"ticket_id": i, "rating": rating, "comment": "", "created_at": row["resolved_at"]}
        elif rng.random() < 0.2:
            row.update(status="menunggu-pengguna", paused_at=hours.moment(max(received_pos, now_pos - 2)))
        else:
            row["status"] = rng.choice(("baru", "diproses", "diproses"))
        yield "ticket", row


def fill(instance: Path, n: int) -> str:
    """Create the database with ``n`` tickets and one unit lead; return the lead's password."""
    from sqlalchemy import insert

    from portal import create_app
    from portal.auth import service as auth
    from portal.core.calendar import WorkingCalendar
    from portal.core.dbsetup import dispose_engines
    from portal.extensions import db
    from portal.tickets.models import Survey, Ticket

    app = create_app({"INSTANCE_PATH": str(instance), "RATELIMIT_ENABLED": False})
    password = auth.generate_password()
    catalog = app.extensions["catalog"]
    calendar = WorkingCalendar.from_hours(catalog.hours)
    rng = random.Random(2026)
    with app.app_context():
        auth.create_user(
            db.session,
            email=EMAIL,
            name="Ketua Bench",
            role="ketua",
            password=password,
            units=[UNIT],
            known_units=auth.owner_units(catalog),
        )
        started = time.monotonic()
        batch: dict[str, list] = {"ticket": [], "survey": []}

        def flush() -> None:
            with db.engine.begin() as conn:
                if batch["ticket"]:
                    conn.execute(insert(Ticket), batch["ticket"])
                if batch["survey"]:
                    conn.execute(insert(Survey), batch["survey"])
            batch["ticket"], batch["survey"] = [], []

        counts = {"ticket": 0, "survey": 0}
        for kind, row in ticket_rows(n, catalog, calendar, datetime.now(UTC), rng):
            batch[kind].append(row)
            counts[kind] += 1
            if len(batch["ticket"]) >= 10_000:
                flush()
        flush()
        print(
            f"  inserted {counts['ticket']:,} tickets and {counts['survey']:,} surveys "
            f"in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
    dispose_engines(app)
    return password


def sign_in(port: int, password: str) -> str:
    """Sign in through the form (CSRF token and all); return the session cookie."""
    conn = http.client.HTTPConnection(run.HOST, port, timeout=30)
    conn.request("GET", "/staf/masuk", headers={"User-Agent": USER_AGENT})
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    if token is None:
        raise run.SetupError("no CSRF token on /staf/masuk")
    body = f"csrf_token={token.group(1)}&email={EMAIL}&password={password}&next="
    headers = {"User-Agent": USER_AGENT, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/staf/masuk", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 303:
        raise run.SetupError(f"sign-in answered HTTP {response.status}")
    return response.getheader("Set-Cookie", "").split(";")[0]


def measure(server, scenario: Scenario, args: argparse.Namespace) -> dict:
    """Check the page answers 200, warm every worker up, then measure it with wrk."""
    status = run.request(server.port, scenario)
    if status != scenario.expect_status:
        raise run.SetupError(f"{scenario.path}: pre-flight got HTTP {status}")
    if args.warmup:
        run.run_wrk(server.port, scenario, args.warmup, args)
    return run.run_wrk(server.port, scenario, args.duration, args)


def report(rows: list[tuple[str, str, str, dict]]) -> str:
    """Format the results; each page's ratio is to the signed-in catalog page under the same load."""
    base = {load: r for name, load, _, r in rows if name == "catalog-session"}
    head = f"{'page':<40} {'load':>4} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'err':>4} {'×cat':>6}"
    lines = [head, "-" * (len(head) + 6)]
    for name, load, label, r in rows:
        ratio = r["p50_ms"] / base[load]["p50_ms"] if r["requests"] else float("inf")
        verdict = ""
        if name.startswith(("queue", "dashboard")):
            verdict = "PASS" if ratio <= TARGET and not r["error_count"] and r["requests"] else "MISS"
        lines.append(
            f"{label:<40} {load:>4} {r['rps']:>7.1f} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} "
            f"{r['error_count']:>4} {ratio:>6.2f}  {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Fill, serve, sign in, measure, report."""
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install -y --no-install-recommends wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="portal-backoffice-bench-") as tmp_name:
        tmp = Path(tmp_name)
        instance = tmp / "instance"
        print(f"filling {instance} with {args.tickets:,} tickets …", file=sys.stderr, flush=True)
        password = fill(instance, args.tickets)
        env = run.server_env(instance, ["RATELIMIT_ENABLED=false"])

        def logs(name: str) -> Path:
            (tmp / name).mkdir()
            return tmp / name

        servers = {
            "cached": run.Server("portal", run.ROOT, args, env, logs("cached")),
            "uncached": run.Server(
                "portal", run.ROOT, args, {**env, "PORTAL_DASHBOARD_CACHE_SECONDS": "0"}, logs("uncached")
            ),
        }
        rows = []
        try:
            for server in servers.values():
                server.start()
            cookies = {name: sign_in(s.port, password) for name, s in servers.items()}
            signed = {name: {"Cookie": c, "User-Agent": USER_AGENT} for name, c in cookies.items()}
            anonymous = {"User-Agent": USER_AGENT}
            # (name, server, path, headers, load): "c16" is the usual wrk load (queueing included),
            # "c2" one request per worker at a time (latency close to the time one request takes).
            plan = [
                ("catalog-anonymous", "cached", "/layanan/BCSM.02.01", anonymous, "c16"),
                ("catalog-session", "cached", "/layanan/BCSM.02.01", signed["cached"], "c16"),
                ("queue", "cached", "/staf/", signed["cached"], "c16"),
                ("queue-overdue", "cached", "/staf/?antrian=terlambat", signed["cached"], "c16"),
                ("dashboard", "cached", "/staf/dasbor", signed["cached"], "c16"),
                ("catalog-session", "cached", "/layanan/BCSM.02.01", signed["cached"], "c2"),
                ("queue", "cached", "/staf/", signed["cached"], "c2"),
                ("dashboard", "cached", "/staf/dasbor", signed["cached"], "c2"),
                ("dashboard-uncached", "uncached", "/staf/dasbor", signed["uncached"], "c2"),
            ]
            light = argparse.Namespace(**{**vars(args), "threads": 1, "connections": 2})
            for name, which, path, headers, load in plan:
                label = f"{path} ({name})"
                print(f"  {label} {load} …", file=sys.stderr, flush=True)
                scenario = Scenario(name, "portal", path, name, headers=headers)
                rows.append((name, load, label, measure(servers[which], scenario, light if load == "c2" else args)))
        except run.SetupError as exc:
            print(f"setup failed: {exc}", file=sys.stderr)
            for server in servers.values():
                print(server.tail(), file=sys.stderr)
            return 2
        finally:
            for server in servers.values():
                server.stop()
    print()
    print(
        f"{args.tickets:,} tickets · gunicorn -w {args.workers} · wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s · signed in as a lead of {UNIT}"
    )
    print(report(rows))
    print(
        f"\n×cat = p50 ÷ p50 of /layanan/BCSM.02.01 with the same session cookie under the same load "
        f"(target ≤ {TARGET:g}). c16: wrk -t{args.threads} -c{args.connections}; c2: wrk -t1 -c2. "
        "dashboard: figures cached up to a minute per worker (as served); dashboard-uncached: "
        "PORTAL_DASHBOARD_CACHE_SECONDS=0, every request recomputes every figure."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
