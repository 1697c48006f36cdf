"""Daily counters: rows identified by a few keys plus a day, with a ``count`` column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

# INSERT … ON CONFLICT DO UPDATE, spelled the same on both databases the portal supports.
_UPSERTS: dict[str, Callable[[Table], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def increment(session: Session, model: type[Any], **keys: Any) -> None:
    """Add one to the counter row identified by ``keys``, creating it if needed; commit.

    One statement does both, so concurrent hits (other threads, other workers) are all
    counted: the database adds one to the row as it stands, never to a value read earlier.
    ``keys`` must be exactly the columns of a unique constraint of the model's table.
    """
    table = inspect(model).local_table
    insert = _UPSERTS[session.get_bind(mapper=inspect(model)).dialect.name]
    statement = insert(table).values(count=1, **keys)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_={"count": table.c.count + 1})
    session.execute(statement)
    session.commit()
