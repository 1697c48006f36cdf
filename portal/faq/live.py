"""What the public sees of the FAQ, read from the database and followed on every node.

The public pages, the FAQ lists, the search API and the index show the published revision of
each article and nothing else. Every public change (publish, archive, import) takes the next
value of the ``faq_sequence`` counter (``take``) and stamps it on the article. Each process
remembers the counter it applied; at most every ``FAQ_FOLLOW_SECONDS`` (and at once after its
own publish) it reads the counter and, when it moved, loads only the articles stamped above
what it applied: its in-memory articles are updated, the node's Whoosh build is updated
document by document (``portal.kb.index.update_live_index``) and the page-cache marks of the
changed articles move, so their cached pages are not served again.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.core.pagecache import forget_fast_copies
from portal.extensions import db
from portal.faq.models import FaqArticle, FaqRevision, FaqSequence
from portal.kb.index import applied_counter, current_build, index_path, render_cache_path, update_live_index
from portal.kb.loader import Article, RenderCache, assemble

log = logging.getLogger(__name__)


def take(session: Session) -> int:
    """The next counter value, in the caller's transaction (its row lock orders concurrent publishers)."""
    done = session.execute(update(FaqSequence).where(FaqSequence.id == 1).values(value=FaqSequence.value + 1))
    if not getattr(done, "rowcount", 0):
        session.add(FaqSequence(id=1, value=1, epoch=uuid.uuid4().hex))
        session.flush()
    return int(session.scalar(select(FaqSequence.value).where(FaqSequence.id == 1)) or 0)


@dataclass
class Follower:
    """One process's view of the public FAQ: the counter it applied and the articles it shows."""

    applied: int = -1  # -1: not loaded from the database yet (the kb/ files serve until then)
    checked: float = float("-inf")
    articles: dict[str, Article] = field(default_factory=dict)
    marks: dict[str, int] = field(default_factory=dict)  # slug -> counter of its last change
    lock: threading.Lock = field(default_factory=threading.Lock)
    renderer: RenderCache | None = None
    log: list[tuple[int, int, int]] = field(default_factory=list)  # (counter, updated, deleted) index updates


def follower(app: Flask) -> Follower:
    """The application's follower (made on first use)."""
    return app.extensions.setdefault("faq_follower", Follower())


def _to_article(article: FaqArticle, revision: FaqRevision, renderer: RenderCache) -> Article:
    html, text = renderer.render(revision.body)
    folder = revision.codes[0] if revision.codes else article.code
    return Article(
        slug=article.slug, folder=folder, title=revision.title, codes=tuple(revision.codes),
        tags=tuple(revision.tags), updated=article.last_reviewed or date.min, related=tuple(revision.related),
        audience=tuple(article.audience), body=revision.body, html=html, text=text,
        path=f"{folder}/{article.slug}.md", synonyms=tuple(revision.synonyms),
    )  # fmt: skip


def changed_since(session: Session, since: int, renderer: RenderCache) -> tuple[list[Article], list[str], dict]:
    """Published articles stamped after ``since`` (all when -1), slugs no longer public, and the stamps."""
    query = select(FaqArticle, FaqRevision).outerjoin(
        FaqRevision,
        (FaqRevision.article_id == FaqArticle.id) & (FaqRevision.number == FaqArticle.published_revision),
    )
    if since >= 0:
        query = query.where(FaqArticle.public_seq > since)
    shown, gone, marks = [], [], {}
    for article, revision in session.execute(query):
        marks[article.slug] = article.public_seq
        if revision is None or article.published_revision is None:
            gone.append(article.slug)  # never published, or archived: not public
        else:
            shown.append(_to_article(article, revision, renderer))
    return shown, gone, marks


def follow(app: Flask, force: bool = False) -> bool:
    """Apply the public changes other processes committed (see the module docstring); True when any."""
    state = follower(app)
    moment = time.monotonic()
    if not force and moment - state.checked < float(app.config.get("FAQ_FOLLOW_SECONDS", 2.0)):
        return False
    if not state.lock.acquire(blocking=force):
        return False  # another thread of this process is applying right now
    try:
        state.checked = moment
        with Session(db.engine) as session:
            return _apply(app, state, session)
    except SQLAlchemyError:  # no FAQ tables yet (before the first migration): the kb/ files serve
        log.warning("FAQ tables not readable; public FAQ not refreshed", exc_info=True)
        return False
    finally:
        state.lock.release()


def _apply(app: Flask, state: Follower, session: Session) -> bool:
    row = session.execute(select(FaqSequence.value, FaqSequence.epoch).where(FaqSequence.id == 1)).first()
    if row is None:
        return False  # nothing imported or published yet
    counter, epoch = row
    live = current_build(index_path(app))
    index_behind = live is not None and applied_counter(live, epoch) < counter  # e.g. after ``flask kb reindex``
    if counter <= state.applied and not index_behind:
        return False  # nothing new
    since = state.applied
    renderer = state.renderer = state.renderer or RenderCache(render_cache_path(app))
    shown, gone, marks = changed_since(session, since, renderer)
    articles = {} if since < 0 else dict(state.articles)
    articles.update({a.slug: a for a in shown})
    for slug in gone:
        articles.pop(slug, None)

    def changes(index_since: int) -> tuple[list[Article], list[str]]:
        if index_since == since:
            return shown, gone
        found, lost, _marks = changed_since(session, index_since, renderer)
        return found, lost

    done = update_live_index(index_path(app), (epoch, counter), changes, app.extensions["catalog"],
                             app.extensions["glossary"])  # fmt: skip
    if done is not None:
        state.log.append((counter, *done))
        log.info("FAQ index updated to change %s: %s documents replaced, %s removed", counter, *done)
    if since < 0:
        renderer.save()
    state.articles, state.marks, state.applied = articles, {**state.marks, **marks}, counter
    app.extensions["kb"] = assemble(sorted(articles.values(), key=lambda a: a.path), f"faq:{counter}")
    app.extensions["search"].pool.refresh()
    forget_fast_copies(app)  # the page marks moved: first-visit copies of these pages are stale
    return True


def page_mark(app: Flask, slug: str) -> tuple[int, int]:
    """What an article page's cache key carries: the article's last change (and whether loaded)."""
    state = follower(app)
    return state.applied >= 0, state.marks.get(slug, 0)
