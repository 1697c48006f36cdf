"""Daily counters count every hit, also when many requests hit the same row at once."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import select

from portal.core.counters import increment
from portal.extensions import db
from portal.kb.models import ArticleFeedback, SearchMiss

THREADS, HITS = 8, 25


def test_concurrent_increments_lose_no_count(app):
    # Eight workers hammer the same row; a read-add-write counter loses some of these hits.
    day = date(2026, 11, 30)
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(HITS):
                    increment(db.session, SearchMiss, query="pajak", day=day)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        rows = db.session.scalars(select(SearchMiss)).all()
        assert [(r.query, r.day, r.count) for r in rows] == [("pajak", day, THREADS * HITS)]


def test_rows_are_kept_apart_by_every_key(app):
    day = date(2026, 11, 30)
    with app.app_context():
        for helpful in (True, False, True):
            increment(db.session, ArticleFeedback, slug="spm", day=day, helpful=helpful)
        increment(db.session, ArticleFeedback, slug="spm", day=date(2026, 12, 1), helpful=True)
        rows = db.session.scalars(select(ArticleFeedback).order_by(ArticleFeedback.id)).all()
        assert [(r.day.day, r.helpful, r.count) for r in rows] == [(30, True, 2), (30, False, 1), (1, True, 1)]
