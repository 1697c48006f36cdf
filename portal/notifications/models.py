"""A notification to one staff member, and each member's choice per kind: at once or in the digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime
from portal.extensions import Model

KIND_NEW = "tiket-baru"  # a new ticket in my unit's queue
KIND_REPLY = "balasan"  # the requester replied on a ticket assigned to me
KIND_ASSIGNED = "ditugaskan"  # a ticket assigned or transferred to me
KINDS = (KIND_NEW, KIND_REPLY, KIND_ASSIGNED)
MODE_NOW, MODE_DIGEST = "segera", "ringkasan"


class Notification(Model):
    """One notification; ``mailed_at`` records its e-mail (at once or in a digest), once."""

    __tablename__ = "staff_notification"
    __table_args__ = (
        Index("ix_staff_notification_user_read", "user_id", "read_at"),
        Index("ix_staff_notification_pending_digest", "digest", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    ticket_reference: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    digest: Mapped[bool] = mapped_column(default=False)  # waits for the 08.00 WIB digest
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class NotificationPreference(Model):
    """A staff member's choice for one kind; no row means the daily digest."""

    __tablename__ = "staff_notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10))
