"""SIAP benchmark: submitting and opening a complaint, and help-desk latency under receipt logins.

One command: ``python bench/siap_bench.py``. It uses production key-derivation settings
(Argon2id with 64 MiB per derivation), a throw-away instance folder, and only 127.0.0.1.

1. In-process: time to submit a complaint and to open it with its receipt (both dominated
   by Argon2id), several rounds, median and max.
2. Over HTTP (gunicorn, 2 threaded workers as the README recommends for SIAP): latency of
   the help-desk home page alone, then while 4 clients log in with receipts in a loop; the
   ratio of the two is the cost the key derivations impose on everyone else.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import free_port  # noqa: E402

MEMBER = "sekretariat@kemenkeu.go.id"
PASSWORD = "kata-sandi-bench-siap-1"  # noqa: S105  (a throw-away account in a temp folder)


def setup_instance(instance: Path, rounds: int) -> tuple[list[str], list[float], list[float]]:
    """Create a member and the unit key, file complaints; return receipts and timings (s)."""
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    from portal import create_app
    from portal.auth import service as auth
    from portal.extensions import db
    from portal.siap import service as siap

    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        auth.create_user(
            db.session,
            email=MEMBER,
            name="Sekretariat",
            role="agen",
            password=PASSWORD,
            units=["Sekretariat DJPb"],
            known_units=auth.owner_units(app.extensions["catalog"]),
        )
    result = app.test_cli_runner().invoke(args=["siap", "init-unit", "--email", MEMBER, "--password", PASSWORD])
    if result.exit_code != 0:
        raise SystemExit(f"init-unit failed: {result.output}")
    receipts, submit_s, open_s = [], [], []
    report = {
        "kategori": "layanan",
        "peristiwa": "Pungutan di loket",
        "pihak": "",
        "waktu": "",
        "tempat": "",
        "uraian": "Petugas meminta imbalan untuk mempercepat layanan.",
    }
    with app.test_request_context():
        for _ in range(rounds):
            started = time.perf_counter()
            receipt, _complaint, _key = siap.submit(db.session, dict(report), None, [])
            submit_s.append(time.perf_counter() - started)
            receipts.append(receipt)
            started = time.perf_counter()
            if siap.open_with_receipt(db.session, receipt) is None:
                raise SystemExit("a fresh receipt did not open its complaint")
            open_s.append(time.perf_counter() - started)
    return receipts, submit_s, open_s


def get_latency(port: int, path: str, seconds: float) -> list[float]:
    """Sequential GETs for ``seconds``; return the latencies (s)."""
    out = []
    end = time.monotonic() + seconds
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < end:
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        out.append(time.perf_counter() - started)
    conn.close()
    return out


def login_loop(port: int, receipt: str, stop: threading.Event, counts: list[int]) -> None:
    """Log in with a receipt again and again until told to stop."""
    body = urlencode({"resi": receipt})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/siap/masuk", body=body, headers=headers)
        status = conn.getresponse().status
        conn.close()
        counts.append(status)


def pct(values: list[float], q: float) -> float:
    """Percentile in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))]


def main() -> int:
    """Run both parts and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="complaints filed and opened in-process")
    parser.add_argument("--seconds", type=int, default=8, help="seconds per latency phase")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="siap-bench-") as tmp:
        instance = Path(tmp) / "instance"
        receipts, submit_s, open_s = setup_instance(instance, args.rounds)
        print(f"\nArgon2id 64 MiB, {args.rounds} rounds in-process")
        print(f"{'operation':<28}{'median ms':>10}{'max ms':>10}")
        for name, values in (("submit a complaint", submit_s), ("open with the receipt", open_s)):
            print(f"{name:<28}{1000 * statistics.median(values):>10.0f}{1000 * max(values):>10.0f}")
        port = free_port()
        env = {
            **os.environ,
            "PORTAL_INSTANCE_PATH": str(instance),
            "PORTAL_RATELIMIT_ENABLED": "false",
            "PORTAL_WTF_CSRF_ENABLED": "false",
            "PORTAL_AUTO_MIGRATE": "false",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-k",
                "gthread",
                "--threads",
                "4",
                "-b",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "--access-logfile",
                "/dev/null",
                "app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    get_latency(port, "/", 0.01)
                    break
                except OSError:
                    time.sleep(0.1)
            get_latency(port, "/", 1)  # warm-up
            alone = get_latency(port, "/", args.seconds)
            stop, counts = threading.Event(), []
            loggers = [
                threading.Thread(target=login_loop, args=(port, receipts[i % len(receipts)], stop, counts))
                for i in range(4)
            ]
            for t in loggers:
                t.start()
            time.sleep(0.5)
            loaded = get_latency(port, "/", args.seconds)
            stop.set()
            for t in loggers:
                t.join()
        finally:
            server.terminate()
            server.wait(timeout=10)
        print(f"\nhelp-desk home page, gunicorn -w 2 -k gthread --threads 4 ({args.seconds} s each)")
        print(f"{'phase':<34}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
        print(f"{'alone':<34}{len(alone):>9}{pct(alone, 0.5):>9.1f}{pct(alone, 0.95):>9.1f}")
        print(f"{'with 4 receipt logins running':<34}{len(loaded):>9}{pct(loaded, 0.5):>9.1f}{pct(loaded, 0.95):>9.1f}")
        ok = sum(1 for c in counts if c == 303)
        print(f"receipt logins completed meanwhile: {len(counts)} ({ok} succeeded)")
        print(f"p95 ratio loaded / alone: {pct(loaded, 0.95) / pct(alone, 0.95):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
