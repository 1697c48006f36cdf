"""Make the public site follow the database after a publish or an archive, and the first-start import.

What the public reads is described in ``portal.faq.live``; this module stamps a change with the
next counter value, commits it and applies it in this process at once (other processes and
nodes apply it within ``FAQ_FOLLOW_SECONDS``). ``kb/`` is not written: it stays the shipped
baseline (``flask kb export`` writes it on purpose).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.core.clock import ClockError
from portal.extensions import db
from portal.faq import live, sync
from portal.faq.models import FaqArticle
from portal.kb.index import kb_path


def show_published(app: Flask, article: FaqArticle) -> None:
    """Stamp the article's public change, commit, and show it in this process now."""
    session = db.session()
    article.public_seq = live.take(session)
    session.commit()
    live.follow(app, force=True)


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
