"""What the knowledge base stores: reader feedback (and what was missing) and searches that found nothing.

Neither table holds personal data: no IP address, no user agent, no time finer than a day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model

MISSING_MAX = 300  # "what was missing?": a short text, not a request (that is what the forms are for)


class ArticleFeedback(Model):
    """Daily count of "Apakah artikel ini membantu?" answers for one article."""

    __tablename__ = "kb_article_feedback"
    __table_args__ = (UniqueConstraint("slug", "day", "helpful", name="uq_kb_article_feedback_slug_day_helpful"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), index=True)
    day: Mapped[date] = mapped_column(Date)
    helpful: Mapped[bool] = mapped_column(Boolean)
    count: Mapped[int] = mapped_column(Integer, default=0)


class SearchMiss(Model):
    """Daily count of one normalised query that found nothing."""

    __tablename__ = "kb_search_miss"
    __table_args__ = (UniqueConstraint("query", "day", name="uq_kb_search_miss_query_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class SearchShown(Model):
    """Daily count of one normalised query that showed results, and how often a result was opened.

    ``code`` is the code of the first result: whose unit the query concerns when nobody opens any.
    """

    __tablename__ = "kb_search_shown"
    __table_args__ = (UniqueConstraint("query", "day", name="uq_kb_search_shown_query_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date, index=True)
    code: Mapped[str] = mapped_column(String(20), default="")
    count: Mapped[int] = mapped_column(Integer, default=0)
    opened: Mapped[int] = mapped_column(Integer, default=0)


class ArticleMissing(Model):
    """What a reader who answered "Tidak" said was missing: the short text, counted per day.

    Only the text the reader chose to type (cut to ``MISSING_MAX``), the article and the day.
    """

    __tablename__ = "kb_article_missing"
    __table_args__ = (UniqueConstraint("slug", "day", "text", name="uq_kb_article_missing_slug_day_text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), index=True)
    day: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(MISSING_MAX))
    count: Mapped[int] = mapped_column(Integer, default=0)
