"""Which searches showed FAQ articles and whether anyone opened one (for the FAQ writing queue).

A search whose results include articles is counted per normalised query and day, with the code
of its first article; a result link carries the query (``?dari=``), and opening it adds one to
that row's ``opened``. No personal data: the query text, a code and the day, as the miss log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.core.counters import increment
from portal.kb.models import SearchShown
from portal.kb.service import normalise_for_log

OPENED_PARAMETER = "dari"


def record_shown(session: Session, query: str, code: str, today: date) -> None:
    """Count a search that showed articles (``code``: the first article's code)."""
    increment(session, SearchShown, query=normalise_for_log(query), day=today)
    session.execute(
        update(SearchShown)
        .where(SearchShown.query == normalise_for_log(query), SearchShown.day == today, SearchShown.code == "")
        .values(code=code[:20])
    )
    session.commit()


def record_opened(session: Session, query: str, today: date) -> None:
    """Count that a result of a search counted today was opened (unknown searches change nothing)."""
    session.execute(
        update(SearchShown)
        .where(SearchShown.query == normalise_for_log(query), SearchShown.day == today)
        .values(opened=SearchShown.opened + 1)
    )
    session.commit()


def unopened_searches(session: Session, since: date, limit: int = 200) -> list[tuple[str, str, int]]:
    """Searches since ``since`` that showed articles nobody opened: (query, code, times), most first."""
    shown, opened = func.sum(SearchShown.count), func.sum(SearchShown.opened)
    query = (
        select(SearchShown.query, func.max(SearchShown.code), shown)
        .where(SearchShown.day >= since)
        .group_by(SearchShown.query)
        .having(opened == 0)
        .order_by(shown.desc(), SearchShown.query)
        .limit(limit)
    )
    return [(text, code, int(count)) for text, code, count in session.execute(query)]
