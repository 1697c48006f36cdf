"""Who writes the FAQ besides the article tables: appointed editors and drafts made from tickets.

Kept apart from ``models.py`` so the article tables stay as they are; both are FAQ tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import now
from portal.core.models import UTCDateTime
from portal.extensions import Model


class FaqEditor(Model):
    """An "editor FAQ" of one unit, appointed by an administrator: publishes the unit's articles."""

    __tablename__ = "faq_editor"
    __table_args__ = (UniqueConstraint("user_id", "unit", name="uq_faq_editor_user_id_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(80))
    appointed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class FaqTicketSource(Model):
    """The resolved ticket an article's first draft came from ("Jadikan FAQ"): one article per ticket."""

    __tablename__ = "faq_ticket_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("faq_article.id", ondelete="CASCADE"), unique=True)
    # Unique: a second press, or a retried POST, finds this row instead of making a second draft.
    ticket_reference: Mapped[str] = mapped_column(String(24), unique=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
