"""SIAP tables, all in the separate ``siap`` database bind.

What is stored in clear is only what the workflow needs to run without a key: status,
timestamps (to the hour only, see ``HourDateTime``), random references, public keys and who
in the Secretariat did what. Every
field of a complaint, every message, note, file name and file is ciphertext. Staff
accounts live in the main database; they are referred to by user id, without a foreign
key across databases.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.core.clock import now
from portal.core.models import StrEnumType, UTCDateTime
from portal.extensions import Model


class ComplaintStatus(StrEnum):
    """Where a complaint stands; the allowed transitions live in ``portal/siap/service.py``."""

    NEW = "baru"
    VERIFIED = "diverifikasi"
    IN_HAND = "ditindaklanjuti"
    DONE = "selesai"
    REJECTED = "ditolak"

    @property
    def label(self) -> LazyString:
        """The name shown to the reporter and to the Secretariat."""
        return _LABELS[self]

    @property
    def is_closed(self) -> bool:
        """Tell whether the complaint is finished (done or rejected)."""
        return self in (ComplaintStatus.DONE, ComplaintStatus.REJECTED)

    @property
    def steps(self) -> tuple[ComplaintStatus, ...]:
        """The path shown to people: the usual steps, ending in a rejection if this is one."""
        last = ComplaintStatus.REJECTED if self is ComplaintStatus.REJECTED else ComplaintStatus.DONE
        return (ComplaintStatus.NEW, ComplaintStatus.VERIFIED, ComplaintStatus.IN_HAND, last)


_LABELS = {
    ComplaintStatus.NEW: _l("Baru"),
    ComplaintStatus.VERIFIED: _l("Diverifikasi"),
    ComplaintStatus.IN_HAND: _l("Ditindaklanjuti"),
    ComplaintStatus.DONE: _l("Selesai"),
    ComplaintStatus.REJECTED: _l("Ditolak"),
}

BIND = "siap"


class HourDateTime(UTCDateTime):
    """A UTC timestamp truncated to the hour when written.

    Every time SIAP keeps in clear goes through this type: a second-exact time could be
    lined up with a web server's, a proxy's or a network log to name a reporter. Finer
    times, where a page needs them, live inside the sealed payloads.
    """

    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        """Store the hour only (UTC), dropping minutes, seconds and microseconds."""
        value = super().process_bind_param(value, dialect)
        return None if value is None else value.replace(minute=0, second=0, microsecond=0)


class SiapModel(Model):
    """Abstract base: every SIAP model lives in the ``siap`` bind."""

    __abstract__ = True
    __bind_key__ = BIND


class UnitKey(SiapModel):
    """The Secretariat's key pair: public half in clear, private half only inside grants."""

    __tablename__ = "siap_unit_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    # Optional copy sealed to an offline recovery key (SIAP_RECOVERY_PUBLIC_KEY).
    recovery_copy: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now)


class MemberKey(SiapModel):
    """A Secretariat member's key pair, the private half wrapped by their password."""

    __tablename__ = "siap_member_key"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    kdf_ops: Mapped[int] = mapped_column(Integer)
    kdf_memory_kib: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now)


class UnitKeyGrant(SiapModel):
    """Access of one member to the unit key; pending while ``sealed_unit_key`` is None."""

    __tablename__ = "siap_grant"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sealed_unit_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    granted_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now)
    keyed_at: Mapped[datetime | None] = mapped_column(HourDateTime(), nullable=True)


class Complaint(SiapModel):
    """One complaint: its key pair (wrapped twice), its status and its life-cycle dates."""

    __tablename__ = "siap_complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    lookup: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    key_for_unit: Mapped[bytes] = mapped_column(LargeBinary)
    key_for_reporter: Mapped[bytes] = mapped_column(LargeBinary)
    receipt_salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    kdf_ops: Mapped[int] = mapped_column(Integer)
    kdf_memory_kib: Mapped[int] = mapped_column(Integer)
    status: Mapped[ComplaintStatus] = mapped_column(
        StrEnumType(ComplaintStatus), default=ComplaintStatus.NEW, index=True
    )
    created_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now)
    closed_at: Mapped[datetime | None] = mapped_column(HourDateTime(), nullable=True, index=True)
    forwarded_to: Mapped[str | None] = mapped_column(String(120), nullable=True)
    forwarded_at: Mapped[datetime | None] = mapped_column(HourDateTime(), nullable=True)
    entries: Mapped[list[ComplaintEntry]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintEntry.id"
    )
    attachments: Mapped[list[ComplaintFile]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintFile.id"
    )

    @validates("status")
    def _as_status(self, _key: str, value: str) -> ComplaintStatus:
        # A plain string (from a form) becomes the member at once, not only after a reload.
        return ComplaintStatus(value)


# Entry kinds: the report itself, a message of either side, an internal note.
REPORT, MESSAGE, NOTE = "laporan", "pesan", "catatan"
REPORTER, SECRETARIAT = "pelapor", "sekretariat"


class ComplaintEntry(SiapModel):
    """A sealed item of a complaint's thread."""

    __tablename__ = "siap_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("siap_complaint.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(String(12))
    author_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now)
    complaint: Mapped[Complaint] = relationship(back_populates="entries")
    attachments: Mapped[list[ComplaintFile]] = relationship(back_populates="entry", order_by="ComplaintFile.id")


class ComplaintFile(SiapModel):
    """An encrypted file on disk; its name, type and size are sealed in ``meta``."""

    __tablename__ = "siap_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("siap_complaint.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("siap_entry.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64))
    sealed_file_key: Mapped[bytes] = mapped_column(LargeBinary)
    meta: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now)
    complaint: Mapped[Complaint] = relationship(back_populates="attachments")
    entry: Mapped[ComplaintEntry] = relationship(back_populates="attachments")


class KeySession(SiapModel):
    """Server-side session of a reporter or an unlocked member.

    ``sealed_secret`` (the complaint's or the unit's private key) is encrypted under a
    random key that exists only in the browser's cookie; the row is found by the hash of
    the cookie's random id. Neither the database nor the cookie alone opens anything.
    """

    __tablename__ = "siap_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("siap_complaint.id", ondelete="CASCADE"), nullable=True, index=True
    )
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now)
    last_seen: Mapped[datetime] = mapped_column(HourDateTime(), default=now)


class FormKey(SiapModel):
    """A complaint form already used: the hash of its one-time key, kept until the key expires.

    Sending the same form again (a refresh, a double click, a retry) finds the hash and
    files nothing. The key itself is never stored.
    """

    __tablename__ = "siap_form_key"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(HourDateTime(), default=now, index=True)


class SiapAuditEvent(SiapModel):
    """Who did what to which complaint, and when; never content, never reporter data."""

    __tablename__ = "siap_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(HourDateTime(), default=now, index=True)
    actor: Mapped[str] = mapped_column(String(12))  # "anggota", "pelapor", "sistem"
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    complaint_ref: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(80), default="")
