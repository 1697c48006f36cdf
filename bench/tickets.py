"""Ticket fixtures shared by ``bench/run.py`` (ticket scenarios) and ``bench/concurrency.py``.

* ``create_token``: ``flask api-token create`` run against the throw-away instance folder of a
  server *before* it starts (same ``PORTAL_INSTANCE_PATH``, so the token is in its database).
* ``ticket_bodies``: valid, varied ``POST /api/v1/tickets`` bodies for every request type, every
  code it serves and every user type the eligibility matrix allows, built from the portal's own
  catalog and request-type data (a catalog change updates the bodies).
* ``form_submissions``: the same for the HTML form ``/permintaan/<code>/<type>``, restricted to
  what an anonymous requester may submit (internal-only services need a sign-in there).
* ``post_ticket`` / ``seed``: create tickets through the API (127.0.0.1 only) and return their
  references and private status links.
* ``open_threads``: open each private link once, as its requester's browser would (the token is
  traded for a grant cookie), and return the thread's path with that cookie.
"""

from __future__ import annotations

import http.client
import json
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

from portal.catalog.loader import load_catalog
from portal.tickets import service as ticket_rules
from portal.tickets.types import load_request_types

HOST = "127.0.0.1"
CATALOG_DIR = Path(__file__).resolve().parent.parent / "portal" / "catalog"
API_CLIENT_NAME = "bench"
# Tickets created through the API before the ticket scenarios run; the look-ups rotate over them.
SEED_TICKETS = 300
FIRST_NAMES = ("Siti", "Budi", "Dewi", "Agus", "Rina", "Joko", "Wulan", "Andi", "Lestari", "Hendra", "Putri", "Yusuf")
LAST_NAMES = ("Rahmawati", "Santoso", "Hidayat", "Kusuma", "Saputra", "Wijaya", "Nugroho", "Siregar", "Lubis")
SUBJECTS = (
    "Pembatalan SP2D gaji bulan ini",
    "SPM sudah terbit tetapi belum diproses KPPN",
    "Lupa password aplikasi SAKTI",
    "Revisi DIPA tengah tahun anggaran",
    "Kode billing tidak bisa dibayar di bank persepsi",
    "Status pendaftaran supplier di SPAN",
    "Rekonsiliasi laporan keuangan satker gagal",
    "Pertanyaan tarif layanan BLU",
    "Penyaluran KUR belum masuk ke rekening",
    "Reset user OM-SPAN operator baru",
)
DETAILS = (
    "Kami sudah mencoba beberapa kali sejak kemarin pagi tetapi hasilnya sama. Mohon petunjuk langkah berikutnya.",
    "Dokumen sudah kami siapkan lengkap. Mohon informasi apakah masih ada persyaratan lain yang perlu dilengkapi.",
    "Muncul pesan galat ketika menyimpan data. Tangkapan layar dapat kami kirimkan bila diperlukan.",
    "Pejabat perbendaharaan di satker kami baru berganti bulan lalu sehingga kami belum memahami prosedurnya.",
    "Mohon penjelasan mengenai norma waktu penyelesaian dan unit yang menangani permintaan ini.",
)
SUPPLIER_TYPES = ("badan-usaha", "perorangan", "pegawai", "satker", "lainnya")


def digits(rng: random.Random, n: int) -> str:
    """Return ``n`` random digits (first one not zero)."""
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def field_value(name: str, rng: random.Random, i: int) -> str:
    """Return a valid value for one field kind of the portal's registry."""
    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    values = {
        "nama": lambda: person,
        "email": lambda: f"{person.lower().replace(' ', '.')}.{i}@contoh.go.id",
        "nama_satker": lambda: f"Satker Contoh {rng.randint(1, 999)}",
        "kode_satker": lambda: digits(rng, 6),
        "npwp": lambda: digits(rng, rng.choice((15, 16))),
        "nomor_sp2d": lambda: digits(rng, 15),
        "nomor_rekening": lambda: digits(rng, rng.randint(10, 15)),
        "nomor_rekening_supplier": lambda: digits(rng, rng.randint(10, 15)),
        "tipe_supplier": lambda: rng.choice(SUPPLIER_TYPES),
        "nomor_spm": lambda: f"{digits(rng, 5)}/SPM/{rng.randint(2024, 2026)}",
        "nomor_kontrak": lambda: f"KTR-{digits(rng, 4)}/{rng.randint(2024, 2026)}",
        "nomor_tiket": lambda: "HAI-2611-7KQ4M9XD",
        "subjek": lambda: rng.choice(SUBJECTS),
        "detail": lambda: f"{rng.choice(DETAILS)} (ref. {i})",
    }
    if name not in values:
        raise RuntimeError(f"bench/tickets.py has no sample value for field kind {name!r}: add one")
    return values[name]()


def _accepted(catalog, rtype, code: str, user_type: int, channel: str) -> bool:
    """Ask the portal's own rules whether it would take this request (no database involved)."""
    if not rtype.serves(code) or catalog.service_of(code).code in getattr(ticket_rules, "SEGREGATED", ()):
        return False
    try:
        # The API vouches for its requesters; the form has no signed-in account here.
        ticket_rules.check_eligibility(catalog, code, rtype, user_type, None, vouched=channel != "portal")
        ticket_rules.owner_unit(catalog, code)  # refuses a service whose sub-scopes have their own units
    except ticket_rules.TicketError:
        return False
    return True


def combinations(channel: str) -> list[tuple]:
    """Return every (request type, code, user type) the portal's rules accept on ``channel``.

    ``channel`` is "api" or "portal" (the anonymous HTML form). Rules the data cannot tell are
    caught when the requests are sent: ``seed`` and ``probe`` drop what the portal refuses.
    """
    catalog = load_catalog(CATALOG_DIR / "katalog-2023.0.toml")
    types = load_request_types(CATALOG_DIR / "permintaan.toml", catalog)
    return [
        (rtype, code, user_type)
        for rtype in types
        for code in sorted(catalog.nodes)
        for user_type in sorted(catalog.service_of(code).eligible)
        if _accepted(catalog, rtype, code, user_type, channel)
    ]


def ticket_bodies(count: int, seed: int = 4, combos: list[tuple] | None = None) -> list[dict]:
    """Return ``count`` API bodies spread over ``combos`` (default: every accepted combination)."""
    rng = random.Random(seed)
    combos = combos or combinations("api")
    bodies = []
    for i in range(count):
        rtype, code, user_type = combos[i % len(combos)] if i < len(combos) else rng.choice(combos)
        fields = {n: field_value(n, rng, i) for n in rtype.fields if n != "lampiran"}
        bodies.append({"request_type": rtype.key, "service_code": code, "user_type": user_type, "fields": fields})
    rng.shuffle(bodies)
    return bodies


def form_submissions(count: int, seed: int = 5, combos: list[tuple] | None = None) -> list[tuple[str, dict]]:
    """Return ``count`` (form path, form fields) spread over ``combos`` (default: all the form accepts)."""
    rng = random.Random(seed)
    combos = combos or combinations("portal")
    subs = []
    for i in range(count):
        rtype, code, user_type = combos[i % len(combos)] if i < len(combos) else rng.choice(combos)
        fields = {n: field_value(n, rng, i) for n in rtype.fields if n != "lampiran"}
        subs.append((f"/permintaan/{code}/{rtype.key}", {"pengguna": str(user_type), **fields}))
    rng.shuffle(subs)
    return subs


def create_token(cwd: Path, env: dict[str, str]) -> str:
    """Create the bench's API token in the instance of ``env`` (before the server starts)."""
    cmd = [sys.executable, "-m", "flask", "--app", "app:app", "api-token", "create", API_CLIENT_NAME]
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False)
    secret = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    if out.returncode != 0 or not secret.startswith("hai_"):
        raise RuntimeError(f"flask api-token create failed ({out.returncode}): {out.stderr[-2000:] or out.stdout}")
    return secret


def post_ticket(port: int, token: str, body: dict, timeout: float = 60.0) -> tuple[int, dict]:
    """POST one ticket to the API; return (status, JSON answer)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request("POST", "/api/v1/tickets", body=json.dumps(body), headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, {"raw": raw[:500].decode(errors="replace")}
    finally:
        conn.close()


def seed(port: int, token: str, bodies: list[dict], workers: int = 4) -> tuple[list, list]:
    """Create one ticket per body; return (created, refused).

    ``created``: (body, reference, private status path) per 201; ``refused``: (body, answer) per
    422, i.e. a rule of the portal the catalog data does not tell (the caller reports them).
    Any other answer raises RuntimeError.
    """
    with ThreadPoolExecutor(workers) as pool:
        answers = list(pool.map(lambda b: post_ticket(port, token, b), bodies))
    created, refused = [], []
    for body, (status, answer) in zip(bodies, answers, strict=True):
        if status == 201:
            link = urlsplit(answer["status_url"])
            created.append((body, answer["reference"], f"{link.path}?{link.query}"))
        elif status == 422:
            refused.append((body, answer))
        else:
            raise RuntimeError(f"seeding a ticket got HTTP {status}: {answer} for {json.dumps(body)[:300]}")
    return created, refused


def describe_refused(refused: list) -> list[str]:
    """One line per distinct refused (request type, code, user type), with the portal's message."""
    seen = {}
    for body, answer in refused:
        key = (body["request_type"], body["service_code"], body["user_type"])
        seen.setdefault(key, answer.get("message", answer))
    return [f"{t} {c} user type {u}: {m}" for (t, c, u), m in sorted(seen.items())]


def _get(port: int, path: str, cookie: str) -> tuple[int, str, str]:
    """GET ``path`` with ``cookie``; return (status, Location, the cookie as the browser would keep it)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        jar = SimpleCookie(cookie)
        for header in response.msg.get_all("Set-Cookie") or []:
            jar.load(header)
        kept = "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items() if morsel.value)
        return response.status, response.getheader("Location") or "", kept
    finally:
        conn.close()


def open_thread(port: int, link: str) -> tuple[str, str]:
    """Open a private link like a browser: return (thread path, cookie) to read the thread with.

    The portal answers the link with a 303 to ``/status/<ref>`` and a grant in the session cookie;
    the thread is then read once more (its reply form adds the CSRF token to the cookie). A portal
    that still shows the thread at the link itself (``--rev`` of an older commit) keeps the link.
    """
    status, location, cookie = _get(port, link, "")
    if status == 200:
        return link, cookie
    if status != 303 or not location:
        raise RuntimeError(f"opening {link.split('?')[0]}?t=… got HTTP {status}")
    parts = urlsplit(location)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    status, _location, cookie = _get(port, path, cookie)
    if status != 200:
        raise RuntimeError(f"the thread {path} got HTTP {status} after its link was opened")
    return path, cookie


def open_threads(port: int, links: list[str], workers: int = 4) -> list[tuple[str, str]]:
    """Open every link once (``open_thread``); return the (thread path, cookie) pairs in order."""
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda link: open_thread(port, link), links))
