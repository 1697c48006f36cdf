"""What FAQ authoring stores: articles, revisions, the public-change counter and the writing queue.

The public site reads only the published revision of each article (``portal.faq.live``), so a
draft or an old revision cannot reach a public page, the search or the API. Every change of what
the public sees takes the next value of ``FaqSequence`` and stamps it on the article
(``public_seq``): each node applies the articles stamped above the value it applied last.
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
    # The counter value of the article's last public change (0: as imported before the counter).
    public_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)


class FaqSequence(Model):
    """The one-row counter of public changes. Taken with UPDATE … RETURNING: the row lock orders
    publishers, so a node that read value N has seen every change numbered N or lower commit."""

    __tablename__ = "faq_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    # Random per database: an index brought up to another database's counter (a restored backup,
    # a copied index folder) is compared afresh instead of trusted.
    epoch: Mapped[str] = mapped_column(String(32), default="")


class FaqQueueLink(Model):
    """A writing-queue item closed by linking the article that answers it (kind + key is the item)."""

    __tablename__ = "faq_queue_link"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_faq_queue_link_kind_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # kosong, tak-dibuka, tidak
    key: Mapped[str] = mapped_column(String(200))  # the normalised query, or the article's slug
    article_slug: Mapped[str] = mapped_column(String(120))
    closed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


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
