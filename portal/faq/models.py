"""What FAQ authoring stores: the articles as units edit them, and every saved revision.

The public site never reads these tables directly: publishing writes the published revision
to the content folder (``KB_PATH``) that ``portal.kb`` loads and indexes, so a draft or an old
revision cannot reach a public page, the search or the API.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import now
from portal.core.models import UTCDateTime
from portal.extensions import Model

DRAFT, REVIEW, PUBLISHED, ARCHIVED = "draft", "review", "published", "archived"
STATUSES = (DRAFT, REVIEW, PUBLISHED, ARCHIVED)


class FaqArticle(Model):
    """One article: its working copy (what the editor shows) and which revision is public."""

    __tablename__ = "faq_article"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    code: Mapped[str] = mapped_column(String(20), index=True)  # the folder: first of the codes
    codes: Mapped[list] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(300))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    synonyms: Mapped[list] = mapped_column(JSON, default=list)
    related: Mapped[list] = mapped_column(JSON, default=list)
    audience: Mapped[list] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    last_reviewed: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The revision the public sees (none: never published or archived).
    published_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Hash of the kb/ file as last imported or written: tells a developer's change from ours.
    baseline_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)  # working copy changed in the back office
    successor_slug: Mapped[str | None] = mapped_column(String(120), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class FaqRevision(Model):
    """One saved state of an article, with who saved it, when and why. Never changed afterwards."""

    __tablename__ = "faq_revision"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_faq_revision_article_id_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("faq_article.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    codes: Mapped[list] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(300))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    synonyms: Mapped[list] = mapped_column(JSON, default=list)
    related: Mapped[list] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # none: imported from kb/
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
