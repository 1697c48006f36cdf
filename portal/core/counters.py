"""Daily counters: rows identified by a few keys plus a day, with a ``count`` column."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def increment(session: Session, model, **keys) -> None:
    """Add one to the counter row identified by ``keys``, creating it if needed.

    Two workers may create the same row at once; the loser of the unique constraint
    retries as an update instead of failing the request.
    """
    for attempt in range(2):
        row = session.scalars(select(model).filter_by(**keys)).first()
        if row is None:
            row = model(count=0, **keys)
            session.add(row)
        row.count += 1
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()
            if attempt:
                raise
