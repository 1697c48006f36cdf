"""Concurrent ticket submissions against gunicorn on SQLite: none lost, none duplicated.

Run from the repository root::

    .venv/bin/python bench/concurrency.py                  # 200 via the HTML form, then 200 via the API
    .venv/bin/python bench/concurrency.py --path api --submissions 500 --clients 100

Starts the portal under gunicorn (``-w 2 -k sync``, as ``bench/run.py`` does) on 127.0.0.1 with a
throw-away instance folder (SQLite, WAL) and rate limiting OFF (``PORTAL_RATELIMIT_ENABLED=false``:
every client is 127.0.0.1, and the form allows 30 posts per hour per address). Then:

* form: each simulated requester has its own cookie jar, GETs ``/permintaan/<code>/<type>`` for
  its session cookie and CSRF token, then all of them POST the multipart form at once through a
  pool of ``--clients`` threads; a 303 to ``/status/<ref>?baru=1`` carries the reference;
* api: ``--submissions`` ``POST /api/v1/tickets`` with a bearer token created in the instance before
  the server started, through the same pool; a 201 carries the reference.

Every submission carries a unique marker in its detail text. Afterwards the server is stopped and
the SQLite database opened: the tickets of each path must number the submissions, references must
be unique, every reference a client received must be in the database (none lost), no marker may
appear twice (none duplicated), and no answer may be a 5xx. Exit 1 only when a submission was lost
or duplicated (a correctness failure); 0 otherwise, even with 5xx answers (reported as FAIL rows);
2 when the server or the setup failed.
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import secrets
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import run
import tickets

HOST = run.HOST
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REFERENCE = re.compile(r"/status/(HAI-[0-9A-Z-]+)")
MARKER = re.compile(r"\[bench-([0-9a-z]+)\]")


@dataclass
class Outcome:
    """What one submission's client saw."""

    marker: str
    status: int = 0
    reference: str = ""
    seconds: float = 0.0
    error: str = ""


@dataclass
class Client:
    """One simulated requester: a connection-less HTTP client with its own cookie jar."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout=120.0):
        """Send one request to 127.0.0.1 and return (status, headers, body); keep the cookies."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            headers = dict(headers or {})
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                self.cookies.update({k: m.value for k, m in jar.items()})
            return response.status, response.headers, data
        finally:
            conn.close()


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """Encode form fields as multipart/form-data (the form's enctype), with an empty file part."""
    boundary = "bench" + secrets.token_hex(12)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="lampiran"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def probe(port: int, token: str, channel: str, sample: int = 24, seed: int = 3) -> list[tuple]:
    """Submit one request per sampled combination, one at a time; keep those the portal accepts.

    The portal has rules the catalog data does not show (e.g. complaints go through SIAP); a
    refused combination would otherwise count as a failed submission. Probe tickets carry no
    marker, so the checks ignore them.
    """
    combos = tickets.combinations(channel)
    chosen = random.Random(seed).sample(combos, min(sample, len(combos)))
    accepted, refused = [], []
    for combo in chosen:
        if channel == "api":
            body = tickets.ticket_bodies(1, combos=[combo])[0]
            status, answer = tickets.post_ticket(port, token, body)
            ok, why = status == 201, f"HTTP {status} {answer.get('message', '')}"
        else:
            path, fields = tickets.form_submissions(1, combos=[combo])[0]
            client = Client(port)
            _status, _headers, page = client.send("GET", path)
            match = CSRF.search(page.decode(errors="replace"))
            body, content_type = multipart({**fields, "csrf_token": match.group(1) if match else ""})
            status, headers, _page = client.send("POST", path, body, {"Content-Type": content_type})
            ok, why = status == 303 and bool(REFERENCE.search(headers.get("Location", ""))), f"HTTP {status}"
        (accepted if ok else refused).append((combo, why))
    for (rtype, code, user_type), why in refused:
        print(f"  probe ({channel}): {rtype.key} {code} user type {user_type} refused: {why}", file=sys.stderr)
    print(f"  probe ({channel}): {len(accepted)} of {len(chosen)} sampled combinations accepted", file=sys.stderr)
    if not accepted:
        raise RuntimeError(f"the portal refused every probed {channel} submission")
    return [combo for combo, _why in accepted]


def run_form(port: int, count: int, clients: int, combos: list[tuple]) -> tuple[list[Outcome], float]:
    """GET every form (own cookie jar each), then POST them all through the thread pool.

    Only the POST phase is timed by the caller's clock: the GETs happen first, in ``prepare``.
    """
    prepared = []
    for i, (path, fields) in enumerate(tickets.form_submissions(count, combos=combos)):
        marker = f"f{i:04d}{secrets.token_hex(3)}"
        fields = {**fields, "detail": f"{fields.get('detail', 'Mohon bantuan untuk permintaan ini.')} [bench-{marker}]"}
        prepared.append((Client(port), path, fields, Outcome(marker)))

    def fetch(item):
        client, path, fields, outcome = item
        status, _headers, page = client.send("GET", path)
        match = CSRF.search(page.decode(errors="replace"))
        if status != 200 or not match:
            outcome.error = f"form GET {path}: HTTP {status}" + ("" if match else ", no csrf_token")
            return
        fields["csrf_token"] = match.group(1)

    def submit(item):
        client, path, fields, outcome = item
        if outcome.error:
            return
        body, content_type = multipart(fields)
        started = time.perf_counter()
        try:
            status, headers, page = client.send("POST", path, body, {"Content-Type": content_type})
        except OSError as exc:
            outcome.error = f"{type(exc).__name__}: {exc}"
            return
        finally:
            outcome.seconds = time.perf_counter() - started
        outcome.status = status
        match = REFERENCE.search(headers.get("Location", "")) if status == 303 else None
        if match:
            outcome.reference = match.group(1)
        else:
            outcome.error = f"POST {path}: HTTP {status} {page[:200]!r}"

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(fetch, prepared))
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(submit, prepared))
    return [item[3] for item in prepared], time.perf_counter() - started


def run_api(port: int, token: str, count: int, clients: int, combos: list[tuple]) -> tuple[list[Outcome], float]:
    """POST ``count`` tickets to the API through the thread pool."""
    jobs = []
    for i, body in enumerate(tickets.ticket_bodies(count, seed=11, combos=combos)):
        marker = f"a{i:04d}{secrets.token_hex(3)}"
        body["fields"]["detail"] = f"{body['fields'].get('detail') or 'Mohon informasi.'} [bench-{marker}]"
        jobs.append((body, Outcome(marker)))

    def submit(job):
        body, outcome = job
        started = time.perf_counter()
        try:
            status, answer = tickets.post_ticket(port, token, body, timeout=120.0)
        except OSError as exc:
            outcome.error = f"{type(exc).__name__}: {exc}"
            return
        finally:
            outcome.seconds = time.perf_counter() - started
        outcome.status = status
        if status == 201:
            outcome.reference = answer["reference"]
            if urlsplit(answer.get("status_url", "")).path != f"/status/{outcome.reference}":
                outcome.error = f"status_url does not match the reference: {answer.get('status_url')}"
        else:
            outcome.error = f"HTTP {status} {str(answer)[:200]}"

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(submit, jobs))
    return [job[1] for job in jobs], time.perf_counter() - started


def verify(db: Path, path_name: str, channel: str, outcomes: list[Outcome]) -> tuple[list[list[str]], bool]:
    """Compare what the clients received with the database; return table rows and "correct"."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT reference, detail FROM ticket WHERE channel = ?", (channel,)).fetchall()
        all_refs = [r[0] for r in conn.execute("SELECT reference FROM ticket")]
    finally:
        conn.close()
    mine = [(ref, m.group(1)) for ref, detail in rows if (m := MARKER.search(detail or ""))]
    in_db = {ref for ref, _ in mine}
    markers = Counter(marker for _, marker in mine)
    received = [o.reference for o in outcomes if o.reference]
    lost = [r for r in received if r not in in_db]
    duplicated = sorted(m for m, n in markers.items() if n > 1)
    dup_refs = [r for r, n in Counter(all_refs).items() if n > 1]
    dup_received = [r for r, n in Counter(received).items() if n > 1]
    by_marker = {o.marker: o for o in outcomes}
    ghosts = [m for m in markers if not by_marker.get(m) or not by_marker[m].reference]
    statuses = Counter(o.status or o.error.split(":")[0] for o in outcomes)
    server_errors = sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500)
    times = sorted(o.seconds for o in outcomes if o.seconds)
    n = len(outcomes)

    def row(check, value, ok):
        return [path_name, check, value, {True: "PASS", False: "FAIL", None: ""}[ok]]

    table = [
        row(f"tickets in the database = {n}", f"{len(mine)}", len(mine) == n),
        row("references unique (whole table)", f"{len(set(all_refs))} of {len(all_refs)}", not dup_refs),
        row("received references unique", f"{len(set(received))} of {len(received)}", not dup_received),
        row(
            "received references in the database (none lost)",
            f"{len(received) - len(lost)} of {len(received)}",
            not lost,
        ),  # fmt: skip
        row("one ticket per submission (none duplicated)", f"{len(duplicated)} duplicated", not duplicated),
        row("tickets whose client got no reference", f"{len(ghosts)}", not ghosts),
        row("no 5xx answer", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)), not server_errors),
        row(
            "POST latency p50 / p95 / max",
            f"{statistics.median(times):.2f} / {run_pct(times, 95):.2f} / {times[-1]:.2f} s" if times else "—",
            None,
        ),  # fmt: skip
    ]
    for outcome in [o for o in outcomes if o.error][:5]:
        print(f"  {path_name} {outcome.marker}: {outcome.error}", file=sys.stderr)
    return table, not lost and not duplicated and not dup_refs and not dup_received


def run_pct(values: list[float], p: float) -> float:
    """Return the p-th percentile by the nearest rank."""
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", choices=("form", "api", "both"), default="both", help="submission path (both)")
    parser.add_argument("--submissions", type=int, default=200, help="submissions per path (default 200)")
    parser.add_argument("--clients", type=int, default=50, help="client threads (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--verbose", action="store_true", help="print the gunicorn command")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Run the submissions, verify the database, print the table; see the module docstring."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    paths = ("form", "api") if args.path == "both" else (args.path,)
    print(f"{args.submissions} concurrent submissions per path ({', '.join(paths)}), {args.clients} client "
          f"threads, gunicorn -w {args.workers} -k sync, SQLite; rate limiting off", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="portal-concurrency-") as tmp_name:
        tmp = Path(tmp_name)
        instance = tmp / "instance"
        env = {**run.server_env(instance, []), "PORTAL_RATELIMIT_ENABLED": "false"}
        opts = argparse.Namespace(workers=args.workers, verbose=args.verbose, rev=None)
        server = run.Server("portal-nolimit", run.ROOT, opts, env, tmp)
        results = {}
        try:
            token = tickets.create_token(run.ROOT, env) if "api" in paths else ""
            server.start()
            for name in paths:
                combos = probe(server.port, token, "portal" if name == "form" else "api")
                if name == "form":
                    results[name] = run_form(server.port, args.submissions, args.clients, combos)
                else:
                    results[name] = run_api(server.port, token, args.submissions, args.clients, combos)
        except (run.SetupError, RuntimeError, OSError) as exc:
            print(f"setup failed: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        finally:
            server.stop()
        log = server.log.read_text(errors="replace")
        rows, correct = [], True
        for name, (outcomes, seconds) in results.items():
            table, ok = verify(instance / "portal.db", name, "portal" if name == "form" else "api", outcomes)
            rate = f"{seconds:.1f} s, {len(outcomes) / seconds:.1f}/s"
            table.append([name, "time to submit all (POST phase), submissions/s", rate, ""])
            rows += table
            correct &= ok
        print()
        print(format_rows(["path", "check", "measured", "result"], rows))
        tracebacks = [m.group(0) for m in re.finditer(r"Traceback \(most recent call last\):.*?(?=\n\[|\nINFO|\Z)",
                                                      log, re.S)]  # fmt: skip
        if tracebacks:
            print(f"\n{len(tracebacks)} traceback(s) in the server log; the first:\n{tracebacks[0][-3000:]}")
        outbox = instance / "outbox"
        mails = len(list(outbox.glob("*.eml"))) if outbox.exists() else 0
        print(f"\nconfirmation e-mails in the outbox: {mails}")
        print("verdict: " + ("no submission lost or duplicated" if correct else "SUBMISSIONS LOST OR DUPLICATED"))
        return 0 if correct else 1


def format_rows(head: list[str], rows: list[list[str]]) -> str:
    """Render rows as an aligned plain-text table."""
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    threading.excepthook = lambda hook: print(f"thread error: {hook.exc_value}", file=sys.stderr)
    sys.exit(main())
