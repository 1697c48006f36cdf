"""Run every due job once, each under a lock of its kind, so several nodes may start it at once.

The lock: on PostgreSQL a session-level advisory lock (``pg_try_advisory_lock``) on a connection
of its own, held for the whole job, because a job commits several times (one claim per alert)
and a transaction-level lock would end at its first commit; the lock also ends when that
connection dies, so a crashed node frees it at once. On SQLite, a lease on the job's row taken by
a conditional UPDATE (writers are serialised, so only one run gets it). A job another run holds
is skipped: the run that holds it does the work. Each job is idempotent on its own (a
conditional UPDATE claims each alert or e-mail), so the lock saves work; it does not carry the
exactly-once guarantee alone.
"""

from __future__ import annotations

import logging
import secrets
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.jobs.models import JobLock
from portal.jobs.registry import Job, registered

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=15)  # SQLite only: a run that dies frees its job after this long


@dataclass(frozen=True)
class Outcome:
    """What one job did in this run: ``ran`` False means skipped (held elsewhere, or not due)."""

    name: str
    ran: bool
    summary: str


def _row(session: Session, name: str) -> JobLock:
    row = session.get(JobLock, name)
    if row is None:
        try:
            session.add(JobLock(name=name))
            session.commit()
        except IntegrityError:  # another node created it first
            session.rollback()
        row = session.get(JobLock, name)
    if row is None:  # pragma: no cover  (inserted or found above)
        raise LookupError(name)
    return row


def _advisory_key(name: str) -> int:
    """A stable 32-bit key per job kind (fits PostgreSQL's bigint lock space)."""
    return zlib.crc32(f"portal-job:{name}".encode())


@contextmanager
def _locked(session: Session, name: str, now: datetime) -> Iterator[bool]:
    """Yield True when this run holds the job's lock; release it afterwards."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        with bind.engine.connect() as conn:
            got = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _advisory_key(name)}))
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _advisory_key(name)})
                    conn.commit()
        return
    token = secrets.token_hex(16)
    claim = (
        update(JobLock)
        .where(JobLock.name == name, or_(JobLock.held_until.is_(None), JobLock.held_until <= now))
        .values(holder=token, held_until=now + LEASE)
    )
    got = session.execute(claim).rowcount == 1  # type: ignore[attr-defined]
    session.commit()
    try:
        yield got
    finally:
        if got:
            session.rollback()  # whatever the job left unfinished
            release = update(JobLock).where(JobLock.name == name, JobLock.holder == token)
            session.execute(release.values(holder=None, held_until=None))
            session.commit()


def _due(session: Session, job: Job, now: datetime) -> bool:
    if job.every <= timedelta(minutes=1):  # every run: the job itself finds what is due
        return True
    last = session.scalar(select(JobLock.last_run_at).where(JobLock.name == job.name))
    return last is None or last + job.every <= now or last > now  # a clock set back runs it again


def run_job(session: Session, job: Job, now: datetime) -> Outcome:
    """Run one job under its lock if it is due; a failure is logged and leaves it due."""
    _row(session, job.name)
    with _locked(session, job.name, now) as held:
        if not held:
            return Outcome(job.name, False, "dipegang proses lain")
        if not _due(session, job, now):
            session.rollback()
            return Outcome(job.name, False, "belum waktunya")
        try:
            summary = job.run(session, now)
        except Exception:
            session.rollback()
            log.exception("job %s failed; the next run tries again", job.name)
            return Outcome(job.name, False, "gagal (lihat log)")
        session.execute(update(JobLock).where(JobLock.name == job.name).values(last_run_at=now))
        session.commit()
        return Outcome(job.name, True, summary)


def run_due(app: Flask, session: Session, now: datetime, only: tuple[str, ...] = ()) -> list[Outcome]:
    """Run every registered job that is due (only those named in ``only`` when given), each once."""
    return [run_job(session, job, now) for job in registered(app) if not only or job.name in only]
