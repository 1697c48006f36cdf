"""The figures of ``/kinerja``: computed by a job from the dashboard's definitions, stored, read back.

``refresh`` asks ``portal.staff.dashboard.compute`` for every unit over the last 12 months, so the
public page and the desk's dashboard share one definition of "within the norm", of the median and
of the survey average; it stores the result as the one snapshot the page reads. Complaints
(WBSM.01) never reach it: the dashboard leaves them out, and they live in SIAP's own database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.catalog.models import Catalog
from portal.core.calendar import WorkingCalendar
from portal.performance.models import PerformanceFigure, PerformanceSnapshot
from portal.staff import dashboard

MONTHS = 12
# Below this many resolved tickets (or survey answers) a service shows "—" instead of a share,
# a median or an average: one late ticket out of two would read "50 %" and say nothing about the
# service, and a figure drawn from one or two tickets points at the people behind them.
DEFAULT_MIN_COUNT = 5


@dataclass(frozen=True)
class PublicRow:
    """One service as the page shows it; a None figure is shown as "—" (too few, or none)."""

    code: str
    name: str
    norm_hours: int
    received: int
    resolved: int
    share: float | None  # 0–1, resolved within the norm
    median_hours: float | None
    survey_count: int
    survey_average: float | None


@dataclass(frozen=True)
class Published:
    """The latest snapshot: when it was computed, from when it counts, and its rows."""

    computed_at: datetime
    window_start: datetime
    months: int
    rows: list[PublicRow]


def refresh(session: Session, catalog: Catalog, calendar: WorkingCalendar, now: datetime) -> PerformanceSnapshot:
    """Compute the figures of every service at ``now``, store them and drop the older snapshot."""
    figures = dashboard.compute(session, catalog, calendar, None, now, months=MONTHS)
    snapshot = PerformanceSnapshot(computed_at=now, window_start=figures.months[0].start, months=MONTHS)
    for position, s in enumerate(figures.services):
        snapshot.rows.append(
            PerformanceFigure(
                position=position,
                code=s.code,
                name=s.name,
                norm_hours=s.norm_hours,
                received=s.received,
                resolved=s.resolved_total,
                compliant=s.compliant_total,
                median_hours=s.median_hours,
                survey_count=s.survey_count,
                survey_average=s.survey_average,
            )
        )
    session.add(snapshot)
    session.flush()
    # One snapshot is kept: the page shows the latest, and history is the dashboard's job.
    older = select(PerformanceSnapshot.id).where(PerformanceSnapshot.id != snapshot.id)
    session.execute(delete(PerformanceFigure).where(PerformanceFigure.snapshot_id.in_(older)))
    session.execute(delete(PerformanceSnapshot).where(PerformanceSnapshot.id != snapshot.id))
    session.commit()
    return snapshot


def latest(session: Session, min_count: int = DEFAULT_MIN_COUNT) -> Published | None:
    """The latest snapshot as the page shows it, or None before the job first ran."""
    query = select(PerformanceSnapshot).order_by(PerformanceSnapshot.computed_at.desc(), PerformanceSnapshot.id.desc())
    snapshot = session.scalars(query.limit(1)).first()
    if snapshot is None:
        return None
    return Published(
        snapshot.computed_at, snapshot.window_start, snapshot.months, [_public(r, min_count) for r in snapshot.rows]
    )


def _public(row: PerformanceFigure, min_count: int) -> PublicRow:
    enough = row.resolved >= max(1, min_count)
    return PublicRow(
        code=row.code,
        name=row.name,
        norm_hours=row.norm_hours,
        received=row.received,
        resolved=row.resolved,
        share=row.compliant / row.resolved if enough else None,
        median_hours=row.median_hours if enough else None,
        survey_count=row.survey_count,
        survey_average=row.survey_average if row.survey_count >= max(1, min_count) else None,
    )
