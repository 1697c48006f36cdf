"""One row per job kind: when it last ran, and (on SQLite) who holds it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime
from portal.extensions import Model


class JobLock(Model):
    """The state of one job kind across nodes.

    ``held_until``/``holder`` are the SQLite lock (a lease taken by a conditional UPDATE, so a
    crashed run frees it when the lease ends); PostgreSQL uses an advisory lock instead.
    ``last_run_at`` says when the job last finished, for jobs that run less often than every minute.
    """

    __tablename__ = "job_lock"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(32), nullable=True)
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
