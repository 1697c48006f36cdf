"""A chat, its messages, and each agent's availability."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import UTCDateTime
from portal.extensions import Model


class ChatState(StrEnum):
    """Where a chat stands; the label is what staff and visitors read."""

    WAITING = "menunggu"
    ACTIVE = "aktif"
    ENDED = "berakhir"

    @property
    def label(self) -> str:
        """The Indonesian label of the state."""
        labels = {
            ChatState.WAITING: _l("Menunggu petugas"),
            ChatState.ACTIVE: _l("Berlangsung"),
            ChatState.ENDED: _l("Selesai"),
        }
        return str(labels[self])


class Chat(Model):
    """One conversation between a visitor and the desk.

    ``ticket_reference`` is set once, in the transaction that ends the chat and files its
    transcript (``transcript.end``): a retried end finds it set and files nothing again.
    """

    __tablename__ = "chat"
    __table_args__ = (Index("ix_chat_state_unit", "state", "unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default=ChatState.WAITING)
    visitor_name: Mapped[str] = mapped_column(String(120))
    visitor_email: Mapped[str] = mapped_column(String(254))
    code: Mapped[str] = mapped_column(String(16), default="")  # the catalog code the visitor named, if any
    about_reference: Mapped[str] = mapped_column(String(24), default="")  # an existing ticket the visitor named
    unit: Mapped[str | None] = mapped_column(String(80), nullable=True)  # transferred to a unit: its queue only
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    agent_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    end_reason: Mapped[str] = mapped_column(String(20), default="")
    last_message_id: Mapped[int] = mapped_column(Integer, default=0)
    siap_pointed: Mapped[bool] = mapped_column(Boolean, default=False)  # the SIAP notice is given once
    ticket_reference: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # The request form's submission key with its content, hashed: a resent form finds its chat (unique).
    submission_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    messages: Mapped[list[ChatMessage]] = relationship(
        back_populates="chat", order_by="ChatMessage.id", cascade="all, delete-orphan"
    )


class ChatMessage(Model):
    """One line of a chat: from the visitor, an agent, or the system (notices)."""

    __tablename__ = "chat_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(10))  # pengunjung, petugas, sistem
    author_name: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    chat: Mapped[Chat] = relationship(back_populates="messages")


class ChatAgent(Model):
    """A staff member's chat availability ("tersedia" or away), and when their chat pages last asked."""

    __tablename__ = "chat_agent"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    units: Mapped[str] = mapped_column(String(400), default="")  # the member's units, "|"-joined, for transfers
    available: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
