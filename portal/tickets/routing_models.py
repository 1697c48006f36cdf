"""Routing's tables: links between tickets, forwards to linked units, the sub-scope → unit mapping.

Apart from ``models.py`` so that the ticket tables stay one screenful each; ``portal/models.py``
imports this module too, so Alembic sees the tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime
from portal.extensions import Model


class TicketLink(Model):
    """Two related tickets (stored once, lower id first); both ticket pages show the link."""

    __tablename__ = "ticket_link"
    __table_args__ = (UniqueConstraint("ticket_id", "other_id", name="uq_ticket_link_ticket_id_other_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TicketForward(Model):
    """A request forwarded to a linked unit of section F, tracked until their answer (G.3 c.2)."""

    __tablename__ = "ticket_forward"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(160))
    channel: Mapped[str] = mapped_column(String(60))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    their_reference: Mapped[str] = mapped_column(String(120), default="")
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set once, when the assignee is reminded of a missing acknowledgement: one reminder per forward.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnitMapping(Model):
    """One version of a portal mapping (not the catalog's) of a code to a concrete unit's queue.

    Rows are never changed: each change adds a version (an empty ``unit`` ends the mapping).
    """

    __tablename__ = "unit_mapping"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_unit_mapping_code_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(80), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
