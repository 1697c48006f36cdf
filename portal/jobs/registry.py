"""The jobs a feature registers in its ``init_app``: a name, a function and how often it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

# A job takes the session and the run's moment, does what is due, and returns a one-line summary.
JobFunction = Callable[[Session, datetime], str]
EXTENSION_KEY = "portal_jobs"


@dataclass(frozen=True)
class Job:
    """A job kind: ``every`` is the least time between two runs (one minute: every run)."""

    name: str
    run: JobFunction
    every: timedelta = timedelta(minutes=1)
    order: int = 0


def register(
    app: Flask, name: str, run: JobFunction, *, every: timedelta = timedelta(minutes=1), order: int = 0
) -> None:
    """Add a job kind to ``app``; a name registered twice is a programming error.

    ``order`` sorts the run: mail sending registers a high one, so the letters the other jobs
    queued in this run leave in this run.
    """
    jobs: dict[str, Job] = app.extensions.setdefault(EXTENSION_KEY, {})
    if name in jobs:
        raise ValueError(f"job {name!r} registered twice")
    jobs[name] = Job(name, run, every, order)


def registered(app: Flask) -> list[Job]:
    """The registered jobs by ``order``, then in registration order."""
    return sorted(app.extensions.get(EXTENSION_KEY, {}).values(), key=lambda job: job.order)
