"""Complaint rules: filing, opening with a receipt, the thread, status and forwarding.

Plaintext exists only in memory during a request. What is written is sealed to the
complaint's public key, so anyone may append without holding a secret; reading needs the
complaint's private key, which only the receipt or the unit key unwraps.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.clock import now
from portal.siap import audit, context, crypto, formkeys, storage
from portal.siap.models import MESSAGE, NOTE, REPORT, REPORTER, Complaint, ComplaintEntry, ComplaintStatus, UnitKey

STATUSES = tuple(ComplaintStatus)
TRANSITIONS = {
    ComplaintStatus.NEW: (ComplaintStatus.VERIFIED, ComplaintStatus.REJECTED),
    ComplaintStatus.VERIFIED: (ComplaintStatus.IN_HAND, ComplaintStatus.REJECTED),
    ComplaintStatus.IN_HAND: (ComplaintStatus.DONE, ComplaintStatus.REJECTED),
    ComplaintStatus.DONE: (),
    ComplaintStatus.REJECTED: (),
}
CLOSED = tuple(s for s in ComplaintStatus if s.is_closed)
REPORT_FIELDS = ("kategori", "peristiwa", "pihak", "waktu", "tempat", "uraian")
_DUMMY_SALT = crypto.new_salt()


class SiapError(Exception):
    """An action is refused; the message is for the user."""


class NotReady(SiapError):
    """The Secretariat's unit key does not exist yet (``flask siap init-unit``)."""


@dataclass
class Item:
    """One decrypted entry of a thread."""

    kind: str
    author: str
    created_at: datetime
    text: str
    files: list[storage.FileInfo] = field(default_factory=list)


@dataclass
class Thread:
    """A decrypted complaint: the report, its identity part and the messages."""

    complaint: Complaint
    report: dict
    identity: dict | None
    items: list[Item]
    files: list[storage.FileInfo]
    received_at: datetime | None = None  # exact, from the sealed report (the row keeps the hour)


def unit_key(session: Session) -> UnitKey | None:
    """Return the Secretariat's unit key, or None before ``init-unit``."""
    return session.scalars(select(UnitKey).order_by(UnitKey.id.desc())).first()


def accepting(session: Session) -> bool:
    """Tell whether SIAP can accept complaints: the Secretariat's unit key exists (``init-unit``)."""
    return unit_key(session) is not None


def _mentions(lookup: bytes, texts: list[str]) -> bool:
    pepper = context.get().pepper
    return any(
        hmac.compare_digest(crypto.lookup_id(pepper, window), lookup)
        for text in texts
        for window in crypto.receipt_windows(text)
    )


def _seal_message(public_key: bytes, text: str, moment: datetime) -> bytes:
    # The exact time is sealed with the text; the row's created_at keeps the hour only.
    return crypto.seal_json(public_key, {"teks": text, "waktu": moment.isoformat()})


def _open_message(key: bytes, blob: bytes, stored: datetime) -> tuple[str, datetime]:
    raw = crypto.unseal_text(key, blob)
    try:
        body = json.loads(raw)
        if isinstance(body, dict) and set(body) == {"teks", "waktu"}:
            return str(body["teks"]), datetime.fromisoformat(body["waktu"])
    except ValueError:
        pass
    return raw, stored  # sealed before the time moved inside: plain text, the row's time


def _commit_with_files(session: Session, written: list[Path]) -> None:
    try:
        session.commit()
    except Exception:
        session.rollback()
        storage.remove(written)
        raise


def submit(
    session: Session,
    report: dict,
    identity: dict | None,
    uploads: list[storage.Upload],
    *,
    form_key: str | None = None,
) -> tuple[str, Complaint, bytes]:
    """File a complaint; return the receipt (to show once), the row and its private key.

    ``form_key``, the form's one-time key, is remembered (hashed) in the same commit, so a
    concurrent second filing with it fails with ``IntegrityError`` and leaves nothing.
    """
    unit = unit_key(session)
    if unit is None:
        raise NotReady(_l("Layanan pengaduan belum siap menerima laporan. Silakan coba lagi nanti."))
    ctx = context.get()
    receipt = crypto.new_receipt()
    lookup = crypto.lookup_id(ctx.pepper, receipt)
    texts = [str(v) for v in report.values()] + [str(v) for v in (identity or {}).values()]
    if _mentions(lookup, texts):
        raise SiapError(_l("Jangan menuliskan kode resi di dalam laporan."))
    private, public = crypto.new_keypair()
    salt = crypto.new_salt()
    moment = now()
    complaint = Complaint(
        ref=secrets.token_hex(5).upper(),
        lookup=lookup,
        public_key=public,
        key_for_unit=crypto.seal(unit.public_key, private),
        key_for_reporter=crypto.wrap(ctx.kdf.derive(receipt.encode(), salt), private),
        receipt_salt=salt,
        kdf_ops=ctx.kdf.ops,
        kdf_memory_kib=ctx.kdf.memory_kib,
        status=ComplaintStatus.NEW,
        created_at=moment,
        updated_at=moment,
    )
    body = {"laporan": report, "identitas": identity, "waktu": moment.isoformat()}
    entry = ComplaintEntry(kind=REPORT, author=REPORTER, body=crypto.seal_json(public, body), created_at=moment)
    complaint.entries.append(entry)
    session.add(complaint)
    written: list[Path] = []
    try:
        storage.store(complaint, entry, uploads, written)
    except Exception:
        session.rollback()
        storage.remove(written)
        raise
    audit.record(session, "laporan_baru", actor=audit.REPORTER, ref=complaint.ref)
    if form_key is not None:
        formkeys.remember(session, form_key)
    _commit_with_files(session, written)
    return receipt, complaint, private


def open_with_receipt(session: Session, text: str) -> tuple[Complaint, bytes] | None:
    """Return the complaint and its private key for a typed receipt, or None.

    Unknown, malformed and expired receipts cost one key derivation too, so every
    failure looks and takes the same.
    """
    ctx = context.get()
    receipt = crypto.normalise_receipt(text)
    complaint = None
    if receipt is not None:
        lookup = crypto.lookup_id(ctx.pepper, receipt)
        complaint = session.scalars(select(Complaint).where(Complaint.lookup == lookup)).first()
    if complaint is None or receipt is None:  # no receipt, no complaint: the same dummy work
        ctx.kdf.derive(b"tidak-ada", _DUMMY_SALT)
        return None
    key = ctx.kdf.derive(receipt.encode(), complaint.receipt_salt, complaint.kdf_ops, complaint.kdf_memory_kib)
    try:
        return complaint, crypto.unwrap(key, complaint.key_for_reporter)
    except crypto.CryptoError:
        return None


def complaint_key(complaint: Complaint, unit_private_key: bytes) -> bytes:
    """Unseal a complaint's private key with the unit key (Secretariat side)."""
    return crypto.unseal(unit_private_key, complaint.key_for_unit)


def add_entry(
    session: Session,
    complaint: Complaint,
    text: str,
    uploads: list[storage.Upload],
    *,
    author: str,
    kind: str = MESSAGE,
    user_id: int | None = None,
) -> ComplaintEntry:
    """Append a message (either side) or an internal note, with files, sealed."""
    if author == REPORTER:
        if complaint.status in CLOSED:
            raise SiapError(_l("Pengaduan ini sudah ditutup; pesan baru tidak dapat dikirim."))
        if _mentions(complaint.lookup, [text]):
            raise SiapError(_l("Jangan menuliskan kode resi di dalam pesan. Pesan tidak dikirim."))
    moment = now()
    entry = ComplaintEntry(
        kind=kind,
        author=author,
        author_user_id=user_id,
        body=_seal_message(complaint.public_key, text, moment),
        created_at=moment,
    )
    complaint.entries.append(entry)
    written: list[Path] = []
    try:
        storage.store(complaint, entry, uploads, written)
    except Exception:
        session.rollback()
        storage.remove(written)
        raise
    complaint.updated_at = moment
    actor = audit.REPORTER if author == REPORTER else audit.MEMBER
    action = {NOTE: "catatan", MESSAGE: "pesan_pelapor" if author == REPORTER else "balasan"}[kind]
    audit.record(session, action, actor=actor, user_id=user_id, ref=complaint.ref, detail=f"berkas={len(uploads)}")
    _commit_with_files(session, written)
    return entry


def read_thread(complaint: Complaint, key: bytes, *, internal: bool) -> Thread:
    """Decrypt a complaint; ``internal`` adds the notes only the Secretariat may see."""
    report: dict = {}
    identity = None
    received = complaint.created_at
    items: list[Item] = []
    report_files: list[storage.FileInfo] = []
    for entry in complaint.entries:
        files = [storage.describe(a, key) for a in entry.attachments]
        if entry.kind == REPORT:
            body = crypto.unseal_json(key, entry.body)
            report, identity, report_files = body["laporan"], body["identitas"], files
            if body.get("waktu"):
                received = datetime.fromisoformat(body["waktu"])
        elif entry.kind == MESSAGE or (internal and entry.kind == NOTE):
            text, moment = _open_message(key, entry.body, entry.created_at)
            items.append(Item(entry.kind, entry.author, moment, text, files))
    return Thread(complaint, report, identity, items, report_files, received)


def summary(complaint: Complaint, key: bytes) -> dict:
    """Return the decrypted report fields of a complaint (for the inbox)."""
    entry = next(e for e in complaint.entries if e.kind == REPORT)
    return crypto.unseal_json(key, entry.body)["laporan"]


def find_attachment(complaint: Complaint, ref: str):
    """Return the complaint's attachment with this reference, or None (never another's)."""
    return next((a for a in complaint.attachments if hmac.compare_digest(a.ref, ref)), None)


def change_status(session: Session, complaint: Complaint, new: str, user_id: int) -> None:
    """Move a complaint along the allowed transitions; record who did it."""
    old = complaint.status
    if new not in TRANSITIONS.get(old, ()):
        raise SiapError(_l("Status tidak dapat diubah dari %(old)s menjadi %(new)s.", old=old, new=new))
    moment = now()
    complaint.status = ComplaintStatus(new)  # what the @validates hook made of the str anyway
    complaint.updated_at = moment
    if new in CLOSED:
        complaint.closed_at = moment
    audit.record(session, "status", user_id=user_id, ref=complaint.ref, detail=f"{old}->{new}")
    session.commit()


def forward(session: Session, complaint: Complaint, unit_name: str, user_id: int) -> None:
    """Record that the complaint was forwarded to a linked unit (once)."""
    if complaint.forwarded_to:
        raise SiapError(_l("Pengaduan ini sudah tercatat diteruskan."))
    complaint.forwarded_to = unit_name
    complaint.forwarded_at = now()
    audit.record(session, "diteruskan", user_id=user_id, ref=complaint.ref, detail=unit_name[:80])
    session.commit()


def by_ref(session: Session, ref: str) -> Complaint | None:
    """Return the complaint with this reference, or None."""
    return session.scalars(select(Complaint).where(Complaint.ref == ref.upper()[:16])).first()


def complaints(session: Session, status: str | None = None) -> list[Complaint]:
    """Return complaints for the inbox: open ones first, newest first."""
    query = select(Complaint).order_by(Complaint.closed_at.is_not(None), Complaint.created_at.desc())
    if status in STATUSES:
        query = query.where(Complaint.status == status)
    return list(session.scalars(query))
