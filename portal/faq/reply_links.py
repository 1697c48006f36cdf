"""Links to published FAQ articles for a staff reply: search them, and append one to the text.

Only what the public site holds is offered: the search runs on the public index (drafts and
old revisions never reach it) and a chosen slug is checked again against the article's
published revision, whose title (not the working copy's) goes into the reply.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.faq import service
from portal.faq.models import FaqArticle

MAX_RESULTS = 8


@dataclass(frozen=True)
class Link:
    """A published article as a reply can point to it."""

    slug: str
    title: str
    path: str


def published(session: Session, slug: str) -> Link | None:
    """The published version of an article, or None (a draft, archived or unknown slug)."""
    article = session.scalar(select(FaqArticle).where(FaqArticle.slug == slug))
    if article is None or article.published_revision is None:
        return None
    rev = service.revision(session, article, article.published_revision)
    if rev is None:
        return None
    return Link(slug=article.slug, title=rev.title, path=f"/faq/{rev.codes[0] if rev.codes else article.code}/{slug}")


def find(session: Session, search, query: str) -> list[Link]:
    """Published articles matching ``query``, best first (``search`` is the public SearchService)."""
    hits = search.search(query, per_page=MAX_RESULTS * 2).hits
    slugs = [h.url.rstrip("/").rsplit("/", 1)[-1] for h in hits if h.kind == "article"]
    found = (published(session, slug) for slug in dict.fromkeys(slugs))
    return [link for link in found if link is not None][:MAX_RESULTS]


def append(body: str, link: Link, root_url: str) -> str:
    """The reply text with the article's title and full address added on a line of its own."""
    url = root_url.rstrip("/") + link.path
    text = (body or "").rstrip()
    return f"{text}\n\n{link.title}: {url}" if text else f"{link.title}: {url}"
