"""Tables of the mail feature: the outbox of outgoing messages and the Message-IDs of every ticket's thread."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import now
from portal.core.models import StrEnumType, UTCDateTime
from portal.extensions import Model


class OutboxStatus(StrEnum):
    """Where an outgoing message stands; the value is stored, ``label`` is shown."""

    PENDING = "menunggu"
    SENT = "terkirim"
    FAILED = "gagal"

    @property
    def label(self) -> str:
        """The Indonesian label shown in the back office."""
        return str(_LABELS[self])


_LABELS = {
    OutboxStatus.PENDING: _l("Menunggu dikirim"),
    OutboxStatus.SENT: _l("Terkirim"),
    OutboxStatus.FAILED: _l("Gagal"),
}


class OutboxMessage(Model):
    """One outgoing message, written in the transaction of the change that causes it.

    The headers (Message-ID, Date, threading, Reply-To, Auto-Submitted) are fixed when the row is
    written, so every attempt sends the same message and a duplicate is recognisable by its
    Message-ID. ``claimed_by``/``claimed_until`` is the lease of the ``mail send`` run sending it.
    """

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    template: Mapped[str] = mapped_column(String(80))
    ticket_reference: Mapped[str | None] = mapped_column(String(24), index=True)
    auto: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[OutboxStatus] = mapped_column(StrEnumType(OutboxStatus), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ThreadMessage(Model):
    """A Message-ID the desk sent or received, and the ticket whose thread it belongs to."""

    __tablename__ = "mail_thread_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    ticket_reference: Mapped[str] = mapped_column(String(24), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "out" (sent by the desk) or "in" (received)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class InboundStatus(StrEnum):
    """What became of a message sent to the desk."""

    TICKET = "tiket-baru"  # it opened a ticket
    APPENDED = "balasan"  # it was added to a ticket's thread
    HELD = "ditahan"  # it names a ticket but comes from another address: staff decide
    REPORT = "laporan"  # a delivery report (bounce), recorded on its ticket
    IGNORED = "diabaikan"  # an automatic message that names no ticket (out of office, list mail)
    OVERSIZED = "terlalu-besar"  # over the size limit: refused with a reply, headers kept
    QUARANTINE = "karantina"  # could not be read: raw bytes kept for administrators

    @property
    def label(self) -> LazyString:
        """The name administrators see."""
        return _INBOUND_LABELS[self]


_INBOUND_LABELS = {
    InboundStatus.TICKET: _l("Tiket baru"),
    InboundStatus.APPENDED: _l("Ditambahkan ke tiket"),
    InboundStatus.HELD: _l("Ditahan, menunggu petugas"),
    InboundStatus.REPORT: _l("Laporan pengiriman"),
    InboundStatus.IGNORED: _l("Pesan otomatis, diabaikan"),
    InboundStatus.OVERSIZED: _l("Terlalu besar"),
    InboundStatus.QUARANTINE: _l("Karantina"),
}


class InboundMessage(Model):
    """One message received by the desk, whichever entry point (pipe or IMAP) brought it.

    ``dedupe_key`` is unique: the hash of the Message-ID (or of the raw bytes when a message has
    none). It is inserted first in the transaction that stores the ticket, so two ``fetch`` runs
    on two nodes handling the same message make one ticket: the second insert waits for the
    first transaction and then fails, and that run only marks the message as done.
    """

    __tablename__ = "mail_inbound"
    __table_args__ = (Index("ix_mail_inbound_status_received_at", "status", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(250), nullable=True)
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[InboundStatus] = mapped_column(StrEnumType(InboundStatus))
    ticket_reference: Mapped[str | None] = mapped_column(String(24), nullable=True, index=True)
    # Kept while a person must still act on it (quarantine, held, ignored); dropped once handled.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str] = mapped_column(Text, default="")  # parse error, guard reason, refusals
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    handled_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the staff account's id


class BouncingAddress(Model):
    """An address a delivery report said is failing, on the ticket whose mail bounced."""

    __tablename__ = "mail_bounce"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(254), index=True)
    ticket_reference: Mapped[str | None] = mapped_column(String(24), nullable=True, index=True)
    diagnostic: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
