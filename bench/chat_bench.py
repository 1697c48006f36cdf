"""Web chat: what one poll and one message cost on one gunicorn sync worker, and how many chats it holds.

One command: ``python bench/chat_bench.py [--seconds S] [--redis-url URL]``. It prepares a throw-away
instance (SQLite, the clock on a working Monday) with an agent and one accepted chat of 20 lines,
starts a private ``redis-server`` on loopback (or uses ``--redis-url``), then serves the portal with
``gunicorn -w 1 -k sync`` twice, with and without ``REDIS_URL``, and drives each request with wrk
(2 connections, rate limits off):

- the visitor's poll when nothing changed (``/chat/pesan?versi=<current>``): with Redis a 204 from one
  Redis GET; without it the database is read;
- the agent's poll (``/staf/chat/<id>/pesan``): the staff session is checked in the database, always;
- one message (``POST /chat/kirim``): one insert, one update, one commit, the version written.

A chat costs, per second of worker time, one visitor poll and one agent poll every
``CHAT_POLL_SECONDS`` (3) and one message from each side every 30 s (a brisk chat). The worker
holds ``1 / that`` chats at full load; the report prints it and half of it (headroom).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from harness import HOST, Server, free_port, request, run_wrk, server_env  # noqa: E402
from scenarios import Scenario  # noqa: E402

NOW = "2026-11-30T10:00:00+07:00"  # Monday, a working day
POLL_SECONDS, MESSAGE_EVERY = 3.0, 30.0
USER_AGENT = "chat-bench"
AGENT, PASSWORD = "agen.bench@kemenkeu.go.id", "kata-sandi-rahasia-1"


def prepare(instance: Path) -> dict:
    """Create the agent and one accepted chat of 20 lines; return the cookies and the chat's version."""
    from portal import create_app
    from portal.auth import service as accounts
    from portal.chat import service
    from portal.extensions import db

    app = create_app({"INSTANCE_PATH": str(instance), "NOW": datetime.fromisoformat(NOW),
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})  # fmt: skip
    with app.app_context():
        accounts.create_user(db.session, email=AGENT, name="Agen Bench", role="agen", password=PASSWORD,
                             units=["Direktorat SITP"], known_units=accounts.owner_units(app.extensions["catalog"]),
                             user_type=None, ph=accounts.hasher(1024))  # fmt: skip
    agent = app.test_client()
    agent.environ_base["HTTP_USER_AGENT"] = USER_AGENT  # Flask-Login ties the session to it
    agent.post("/staf/masuk", data={"email": AGENT, "password": PASSWORD})
    agent.post("/staf/chat/status", data={"status": "tersedia"})
    visitor = app.test_client()
    visitor.post("/chat/mulai", data={"nama": "Rina", "email": "rina@satker.go.id", "pesan": "Halo"})
    with app.app_context():
        chat_id = service.queue(db.session, [])[0].id
    agent.post(f"/staf/chat/{chat_id}/terima")
    for n in range(9):
        visitor.post("/chat/kirim", data={"pesan": f"Pertanyaan {n}"})
        agent.post(f"/staf/chat/{chat_id}/kirim", data={"pesan": f"Jawaban {n}"})
    doc = visitor.get("/chat/pesan").get_json()
    last = doc["messages"][-1]["id"]

    def cookie(client) -> str:
        return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())  # noqa: SLF001

    return {"chat": chat_id, "last": last, "visitor": cookie(visitor), "agent": cookie(agent)}


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    """A private redis-server on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", HOST, "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    return proc, f"redis://{HOST}:{port}/0"


def measure(label: str, redis_url: str, fixtures: dict, instance: Path, args, logs: Path) -> dict:
    """Serve with one sync worker and drive the three requests; return req/s of each."""
    env = server_env(instance, ["RATELIMIT_ENABLED=false", "WTF_CSRF_ENABLED=false", f"NOW={NOW}",
                                *( [f"REDIS_URL={redis_url}"] if redis_url else [])])  # fmt: skip
    server = Server(f"chat-{label}", ROOT, args, env, logs)
    server.start()
    try:
        visitor = {"Cookie": fixtures["visitor"], "Accept": "application/json"}
        agent = {"Cookie": fixtures["agent"], "Accept": "application/json", "User-Agent": USER_AGENT}
        # The version the visitor holds: ask once through this server (a poll that reads the database
        # writes the version to Redis, so the next unchanged poll is a 204).
        import json
        import urllib.request

        first = urllib.request.Request(f"http://{HOST}:{server.port}/chat/pesan", headers=visitor)
        version = json.loads(urllib.request.urlopen(first).read())["version"]  # noqa: S310 (loopback)
        last, chat = fixtures["last"], fixtures["chat"]
        rows = {
            "visitor poll": Scenario("v", label, f"/chat/pesan?sejak={last}&versi={version}", "", headers=visitor),
            "agent poll": Scenario("a", label, f"/staf/chat/{chat}/pesan?sejak={last}", "", headers=agent),
            "message": Scenario("m", label, "/chat/kirim", "", method="POST", body="pesan=Terima+kasih",
                                headers={**visitor, "Content-Type": "application/x-www-form-urlencoded"}),
        }  # fmt: skip
        results = {}
        for name, scenario in rows.items():
            results[name] = run_wrk(server.port, scenario, args.seconds, args)
            results[name]["status"] = request(server.port, scenario)  # what each request answered
        return results
    finally:
        server.stop()


def chats_per_worker(result: dict) -> float:
    """Chats one worker holds at full load (see the module's docstring)."""
    per_chat = (1 / result["visitor poll"]["rps"] + 1 / result["agent poll"]["rps"]) / POLL_SECONDS
    per_chat += 2 / result["message"]["rps"] / MESSAGE_EVERY
    return 1 / per_chat


def main() -> int:
    """Run both configurations and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--redis-url", default="")
    args = parser.parse_args()
    args.workers, args.threads, args.connections, args.verbose = 1, 1, 2, False
    with tempfile.TemporaryDirectory(prefix="chat-bench-") as tmp:
        folder = Path(tmp)
        instance = folder / "instance"
        fixtures = prepare(instance)
        redis_proc, url = (None, args.redis_url) if args.redis_url else start_redis(folder)
        try:
            results = {"redis": measure("redis", url, fixtures, instance, args, folder),
                       "no redis": measure("noredis", "", fixtures, instance, args, folder)}  # fmt: skip
        finally:
            if redis_proc is not None:
                redis_proc.terminate()
                redis_proc.wait()
    print(f"{'setting':10} {'request':14} {'status':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for setting, result in results.items():
        for name, row in result.items():
            numbers = f"{row['rps']:8.0f} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['error_count']:7d}"
            print(f"{setting:10} {name:14} {row['status']:6d} {numbers}")
        held = chats_per_worker(result)
        print(f"{setting:10} chats per worker: {held:.0f} at full load, {held / 2:.0f} with half the worker free")
    return 0


if __name__ == "__main__":
    sys.exit(main())
