"""Make the public site follow the database: write the published file, reload, re-index.

The public pages, the search and the API read what ``portal.kb`` loaded from ``KB_PATH``;
after a publish or an archive this process reloads that folder, rebuilds the index when its
fingerprint changed (other workers reopen the new build through ``CURRENT``) and empties the
page cache.
"""

from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import select

from portal.core.clock import ClockError
from portal.core.signals import public_content_changed
from portal.extensions import db
from portal.faq import sync
from portal.faq.models import FaqArticle
from portal.kb.index import current_build, ensure_index, index_path, kb_path, render_cache_path
from portal.kb.loader import load_knowledge_base


def reload_site(app: Flask) -> None:
    """Reload the articles of ``KB_PATH`` into this process and bring the index up to date."""
    kb = load_knowledge_base(kb_path(app), render_cache_path(app))
    live, _built = ensure_index(index_path(app), kb, app.extensions["catalog"], app.extensions["glossary"])
    app.extensions["kb"] = kb
    app.extensions["faq_build"] = live.name
    public_content_changed.send(app)


FOLLOW_SECONDS = 1.0


def follow_other_workers(app: Flask) -> None:
    """Reload when another worker of this node published (the live index build changed).

    Looked at no more than once a second, so the page-cached article stays fast.
    """
    state = app.extensions.setdefault("faq_follow", {"checked": 0.0})
    moment = time.monotonic()
    if moment - state["checked"] < FOLLOW_SECONDS:
        return
    state["checked"] = moment
    live = current_build(index_path(app))
    if live is None:
        return
    known = app.extensions.setdefault("faq_build", live.name)
    if live.name != known:
        reload_site(app)


def show_published(app: Flask, article: FaqArticle) -> None:
    """Write the article's published revision (or remove an archived one), commit, reload."""
    session = db.session()
    if article.published_revision is not None:
        sync.write_published(session, kb_path(app), article)
    else:
        sync.remove_files(kb_path(app), article.slug)
    session.commit()
    reload_site(app)


def import_on_first_start(app: Flask) -> None:
    """Load ``kb/`` into the empty FAQ tables (``FAQ_IMPORT_ON_START``); later starts leave them alone."""
    if not app.config.get("FAQ_IMPORT_ON_START", True):
        return
    with app.app_context():
        session = db.session()
        if session.scalar(select(FaqArticle.id).limit(1)) is None:
            try:
                sync.import_baseline(session, kb_path(app))
            except ClockError:  # a bad NOW setting is reported where the clock is used, not here
                session.rollback()
                return
            session.commit()
