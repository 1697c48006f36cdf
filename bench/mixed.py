"""The mixed workload of ``bench/run.py`` (80 % reading, 15 % search, 5 % submissions) and its fault.

* ``request_list``: the list wrk goes through (``bench/wrk_mixed.lua``), in the workload's
  proportions, from the portal's own data: catalog pages and every service page, the FAQ index,
  its code pages and every article, the threads of the seeded tickets (grant cookie); searches
  ``/cari?q=…`` with the judged queries of ``tests/relevance.toml``; ticket submissions through
  ``POST /api/v1/tickets`` with the seeded bodies the portal accepted, each with a ``{{MARK}}``
  that the Lua script turns into a marker unique to the run, thread and submission.
* ``verify``: after a run, every reference a client received (a 201 with a reference) must be in
  the database (SQLite file or PostgreSQL, through SQLAlchemy): lost, duplicated, orphans.
* ``WorkerKill``: SIGKILL one gunicorn worker mid-run (a child of the master), then check the
  master replaced it.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote_plus

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
RELEVANCE = ROOT / "tests" / "relevance.toml"
# The workload, in percent of requests; the reading share is split by kind of page below.
READ, SEARCH, SUBMIT = 80, 15, 5
READ_SHARES = {
    "home": 12,  # /
    "catalog": 4,  # /layanan
    "matrix": 2,  # /layanan/matriks
    "service": 24,  # /layanan/<code>, every code of the catalog
    "faq": 4,  # /faq
    "faq-code": 8,  # /faq/<code>
    "article": 18,  # /faq/<code>/<slug>, every article
    "status": 8,  # /status/<ref> with its requester's grant cookie, the seeded tickets' threads
}
if sum(READ_SHARES.values()) != READ:
    raise RuntimeError("READ_SHARES must add up to the reading share")
# Requests in the list; each wrk thread starts at another place and wraps around.
LIST_LENGTH = 2000
MARK = "{{MARK}}"
MARKER = re.compile(r"\[mix-([0-9a-z]+)-(\d+)-(\d+)\]")
# Seconds to wait after the run for the master to have replaced a killed worker.
RESPAWN_TIMEOUT = 30.0
# Seconds between the end of a run and the database check (requests still in flight land).
SETTLE_SECONDS = 1.0


def read_urls(status_links: list[tuple[str, str]]) -> dict[str, list]:
    """Return the URLs of each kind of page read, from the catalog, the KB and the seeded tickets."""
    # Imported here, like bench/tickets.py by run.py: a working tree mid-edit must not stop --rev runs.
    from portal.catalog.loader import load_catalog
    from portal.kb.loader import load_knowledge_base

    catalog = load_catalog(ROOT / "portal" / "catalog" / "katalog-2023.0.toml")
    kb = load_knowledge_base(ROOT / "kb")
    return {
        "home": ["/"],
        "catalog": ["/layanan"],
        "matrix": ["/layanan/matriks"],
        "service": [f"/layanan/{code}" for code in sorted(catalog.nodes)],
        "faq": ["/faq"],
        "faq-code": [f"/faq/{code}" for code in sorted({a.folder for a in kb.articles})],
        "article": [f"/faq/{a.folder}/{a.slug}" for a in kb.articles],
        "status": list(status_links),
    }


def search_urls() -> list[str]:
    """Return one ``/cari`` URL per judged query of ``tests/relevance.toml`` (realistic Indonesian)."""
    with open(RELEVANCE, "rb") as fh:
        return [f"/cari?q={quote_plus(q['q'])}" for q in tomllib.load(fh)["query"]]


def submission_bodies(bodies: list[dict]) -> list[str]:
    """Return the API bodies as JSON with the marker placeholder appended to their detail."""
    out = []
    for body in bodies:
        fields = {**body["fields"], "detail": f"{body['fields'].get('detail') or 'Mohon informasi.'} [{MARK}]"}
        out.append(json.dumps({**body, "fields": fields}))
    return out


def request_list(
    bodies: list[dict], status_links: list[tuple[str, str]], status_of: Callable[[str], int], seed: int = 7
) -> tuple[list[tuple[str, ...]], list[str]]:
    """Return the mixed (method, path, body[, cookie]) list and the URLs left out as not answering 200.

    ``status_of(path)`` sends one GET and returns the status: every page and search URL is tried
    once before it goes into the list. ``status_links`` are (thread path, grant cookie) pairs,
    just opened by the fixtures.
    """
    rng = random.Random(seed)
    kinds = read_urls(status_links)
    kinds["search"] = search_urls()
    dropped = []
    for kind, urls in kinds.items():
        if kind != "status":
            dropped += [(kind, url, status) for url in urls if (status := status_of(url)) != 200]
    bad = {url for _kind, url, _status in dropped}
    shares = {**READ_SHARES, "search": SEARCH}
    items: list[tuple[str, ...]] = []
    for kind, share in shares.items():
        urls = [u for u in kinds[kind] if u not in bad]
        picked = spread(urls, LIST_LENGTH * share // 100, rng)
        items += [("GET", u[0], "", u[1]) if kind == "status" else ("GET", u, "") for u in picked]
    posts = spread(submission_bodies(bodies), LIST_LENGTH * SUBMIT // 100, rng)
    items += [("POST", "/api/v1/tickets", body) for body in posts]
    rng.shuffle(items)
    # The first request is the pre-flight of run.py: a page, not a submission with a bare {{MARK}}.
    first = items.index(("GET", "/", ""))
    items[0], items[first] = items[first], items[0]
    return items, [f"{kind} {url}: HTTP {status}" for kind, url, status in dropped]


def spread(values: list, count: int, rng: random.Random) -> list:
    """Return ``count`` values, each of ``values`` about equally often, in a shuffled order."""
    if not values:
        raise RuntimeError("the mixed workload has an empty kind of request")
    out = []
    while len(out) < count:
        batch = list(values)
        rng.shuffle(batch)
        out += batch
    return out[:count]


def verify(database_url: str, run_id: str, mix: dict) -> dict:
    """Check the references wrk received in run ``run_id`` against the database's tickets.

    ``mix`` is the ``WRK_MIX`` line of ``wrk_mixed.lua`` (posts sent, references of the 201
    answers, counts of answers ≥ 400). Lost: a reference received but not in the database.
    Duplicated: a marker stored twice, or a reference received twice. Orphans: tickets of the run
    whose reference reached no client (in flight when wrk stopped, or when a worker was killed).
    """
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT reference, detail FROM ticket WHERE detail LIKE :pattern"),
                {"pattern": f"%[mix-{run_id}-%"},
            ).all()
    finally:
        engine.dispose()
    markers = Counter(m.group(0) for _ref, detail in rows if (m := MARKER.search(detail)))
    in_db = {ref for ref, _detail in rows}
    received = mix["refs"]
    lost = [ref for ref in received if ref not in in_db]
    duplicated = [m for m, n in markers.items() if n > 1] + [r for r, n in Counter(received).items() if n > 1]
    examples = [f"lost: {ref}" for ref in lost[:3]] + [f"duplicated: {x}" for x in duplicated[:2]]
    return {
        "posts": mix["posts"],
        "received": len(received),
        "in_db": len(rows),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "orphans": len(in_db - set(received)),
        "codes": mix["codes"],
        "examples": examples,
    }


def worker_pids(master: int) -> list[int]:
    """Return the PIDs of a gunicorn master's workers (its child processes), oldest first."""
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return sorted(int(pid) for pid in children.read_text().split())
    except OSError:
        return []


class WorkerKill:
    """SIGKILL one worker of a gunicorn master ``delay`` seconds after ``start``; ``finish`` checks it was replaced."""

    def __init__(self, master: int, delay: float):
        self.master, self.delay = master, delay
        self.victim = 0
        self.before: list[int] = []
        self.timer = threading.Timer(delay, self._kill)

    def start(self) -> None:
        """Arm the timer (call right before wrk starts)."""
        self.timer.start()

    def _kill(self) -> None:
        self.before = worker_pids(self.master)
        if self.before:
            self.victim = self.before[0]
            os.kill(self.victim, signal.SIGKILL)

    def finish(self, workers: int) -> str:
        """Wait until the master runs ``workers`` workers again; describe what happened."""
        self.timer.join()
        if not self.victim:
            return f"fault: no worker of gunicorn master {self.master} found to kill"
        deadline = time.monotonic() + RESPAWN_TIMEOUT
        while (pids := worker_pids(self.master)) and (len(pids) < workers or self.victim in pids):
            if time.monotonic() > deadline:
                return f"fault: worker {self.victim} SIGKILLed at {self.delay:.1f} s; NOT replaced: workers {pids}"
            time.sleep(0.2)
        new = sorted(set(pids) - set(self.before))
        # The replacement builds the app after the fork; let it finish before the next measurement.
        settled = all(wait_idle(pid, deadline) for pid in new)
        return (
            f"fault: worker {self.victim} SIGKILLed at {self.delay:.1f} s of the run; the master replaced it "
            f"(new worker {', '.join(map(str, new))}" + ("" if settled else ", still busy after the run") + ")"
        )


def cpu_ticks(pid: int) -> int:
    """Return the user + system CPU time of a process in clock ticks (-1 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))


def wait_idle(pid: int, deadline: float) -> bool:
    """Wait until a process uses no CPU for half a second (a worker done booting); False at the deadline."""
    last, quiet = cpu_ticks(pid), 0
    while time.monotonic() < deadline and last >= 0:
        time.sleep(0.25)
        now = cpu_ticks(pid)
        quiet, last = (quiet + 1 if now == last else 0), now
        if quiet >= 2:
            return True
    return last < 0
