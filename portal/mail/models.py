"""Tables of the mail feature: the outbox of outgoing messages and the Message-IDs of every ticket's thread."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Integer, String, Text
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
