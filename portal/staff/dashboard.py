"""Dashboard figures of a unit: open work, SLA compliance per month, time to resolve, surveys, channels.

Every figure is an aggregate computed by the database over the viewer's units, in a fixed
number of queries whatever the number of tickets. Resolution times are not replayed through
the working-hours clock here: ``transition`` stores them when a ticket is resolved
(``Ticket.resolved_hours``); tickets resolved before that column existed are filled in
the first time they are counted.
Complaints (WBSM.01) are never counted: they belong to SIAP, which keeps its own database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, select, update
from sqlalchemy.orm import Session

from portal.catalog.models import Catalog, Service
from portal.core.calendar import WorkingCalendar
from portal.tickets.models import OPEN_STATUSES, STATUS_NEW, STATUS_OPEN, STATUS_WAITING, Survey, Ticket
from portal.tickets.workflow import resolution_hours

# Complaints go to SIAP (portal/siap, its own database); the back office never shows them.
EXCLUDED_CODES = frozenset({"WBSM.01"})
MONTHS = 6
BUCKETS_PER_HOUR = 10  # medians are read from a histogram of 0.1 working hour steps
BACKFILL_BATCH = 2000


@dataclass(frozen=True)
class Month:
    """One month of the chart: ``key`` like 2026-11, its first moment (local time) and a label."""

    key: str
    start: datetime
    label: str


@dataclass
class ServiceFigures:
    """The figures of one service for the viewer's units."""

    code: str
    name: str
    norm_hours: int
    received: int = 0  # tickets received in the window
    open: int = 0
    overdue: int = 0
    waiting: int = 0
    resolved: dict[str, int] = field(default_factory=dict)  # per month key
    compliant: dict[str, int] = field(default_factory=dict)
    histogram: dict[int, int] = field(default_factory=dict)  # bucket -> tickets
    ratings: dict[int, int] = field(default_factory=dict)  # 1..5 -> answers (tickets resolved in the window)

    @property
    def resolved_total(self) -> int:
        """Tickets resolved in the whole window."""
        return sum(self.resolved.values())

    @property
    def compliant_total(self) -> int:
        """Of those, resolved within the norm."""
        return sum(self.compliant.values())

    def percent(self, month: str) -> float | None:
        """Share resolved within the norm in ``month`` (None when nothing was resolved)."""
        total = self.resolved.get(month, 0)
        return round(100 * self.compliant.get(month, 0) / total, 1) if total else None

    @property
    def compliant_share(self) -> float | None:
        """Share (0–1) of the window's resolutions within the norm; None when nothing was resolved."""
        total = self.resolved_total
        return self.compliant_total / total if total else None

    @property
    def median_hours(self) -> float | None:
        """Median working hours to resolve over the window (to 0.1 hour)."""
        return median_from_histogram(self.histogram)

    @property
    def survey_count(self) -> int:
        """Survey answers in the window."""
        return sum(self.ratings.values())

    @property
    def survey_average(self) -> float | None:
        """Average rating (1–5), None without answers."""
        n = self.survey_count
        return round(sum(r * c for r, c in self.ratings.items()) / n, 2) if n else None


@dataclass
class Figures:
    """Everything the dashboard shows, for one set of units at one moment."""

    units: tuple[str, ...]
    months: list[Month]
    services: list[ServiceFigures]
    channels: dict[str, int]
    computed_at: datetime

    @property
    def ratings(self) -> dict[int, int]:
        """Survey answers per rating over all services."""
        total: dict[int, int] = {}
        for s in self.services:
            for rating, count in s.ratings.items():
                total[rating] = total.get(rating, 0) + count
        return total


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """Return the median of values counted per bucket of 1/BUCKETS_PER_HOUR hour."""
    n = sum(histogram.values())
    if not n:
        return None
    wanted = [(n - 1) // 2, n // 2]  # positions of the middle value(s), 0-based
    found: list[int] = []
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        while wanted and wanted[0] < seen:
            found.append(bucket)
            wanted.pop(0)
    return round(sum(found) / len(found) / BUCKETS_PER_HOUR, 2)


def services_of(catalog: Catalog, units: list[str] | tuple[str, ...] | None) -> list[Service]:
    """The services whose tickets go to one of ``units`` (a BLU's sub-scope counts), minus complaints.

    ``units`` None: every service of the catalog (the public figures of ``portal.performance``).
    """
    wanted = set(units or ())
    return [
        s
        for s in catalog.services
        if s.code not in EXCLUDED_CODES
        and (units is None or s.owner in wanted or any(x.owner_unit in wanted for x in s.subscopes))
    ]


def month_window(now: datetime, calendar: WorkingCalendar, count: int = MONTHS) -> list[Month]:
    """The last ``count`` calendar months in the desk's time zone, oldest first."""
    local = now.astimezone(calendar.tz)
    year, month = local.year, local.month
    months = []
    for _ in range(count):
        start = datetime(year, month, 1, tzinfo=calendar.tz)
        months.append(Month(f"{year:04d}-{month:02d}", start, f"{month:02d}/{year:04d}"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _month_of(column, months: list[Month]):
    # A CASE over the month starts: portable (SQLite, PostgreSQL) and in local time.
    whens = [(column >= m.start, m.key) for m in reversed(months)]
    return case(*whens, else_=months[0].key)


def compute(
    session: Session,
    catalog: Catalog,
    calendar: WorkingCalendar,
    units: tuple[str, ...] | None,
    now: datetime,
    months: int = MONTHS,
) -> Figures:
    """Compute the figures of ``units`` over the last ``months`` months in four aggregate queries.

    ``units`` None counts every unit's tickets: the public page (``portal.performance``) takes
    its figures from here, so the desk and the public read one definition.

    Three more run when tickets resolved before migration 0006 lack their resolution time:
    up to ``BACKFILL_BATCH`` of them are computed from the clock and stored, then counted.
    """
    window = month_window(now, calendar, months)
    rows = {s.code: ServiceFigures(s.code, s.name, s.max_hours) for s in services_of(catalog, units)}
    figures = Figures(tuple(units or ()), window, list(rows.values()), {}, now)
    if not rows:
        return figures
    mine: ColumnElement[bool] = Ticket.service_code.in_(list(rows))
    if units is not None:
        mine = and_(Ticket.owner_unit.in_(units), mine)
    start = window[0].start
    _open_work(session, rows, mine, now)
    if _resolved(session, rows, window, mine, start) and _backfill(session, calendar, mine, start):
        for row in rows.values():
            row.resolved, row.compliant, row.histogram = {}, {}, {}
        _resolved(session, rows, window, mine, start)
    _surveys(session, rows, mine, start)
    figures.channels = _received(session, rows, mine, start)
    return figures


def _received(session: Session, rows: dict[str, ServiceFigures], mine, start: datetime) -> dict[str, int]:
    """Fill the tickets received per service; return them per channel, most used first."""
    query = (
        select(Ticket.service_code, Ticket.channel, func.count())
        .where(mine, Ticket.received_at >= start)
        .group_by(Ticket.service_code, Ticket.channel)
    )
    channels: dict[str, int] = {}
    for code, channel, count in session.execute(query):
        rows[code].received += count
        channels[channel] = channels.get(channel, 0) + count
    return dict(sorted(channels.items(), key=lambda item: (-item[1], item[0])))


def _open_work(session: Session, rows: dict[str, ServiceFigures], mine, now: datetime) -> None:
    """Open, overdue (as the "terlambat" queue counts them) and waiting tickets per service."""
    overdue = and_(Ticket.status.in_((STATUS_NEW, STATUS_OPEN)), Ticket.due_at < now, Ticket.paused_at.is_(None))
    query = (
        select(
            Ticket.service_code,
            func.count(),
            func.sum(case((overdue, 1), else_=0)),
            func.sum(case((Ticket.status == STATUS_WAITING, 1), else_=0)),
        )
        .where(mine, Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.service_code)
    )
    for code, total, late, waiting in session.execute(query):
        rows[code].open, rows[code].overdue, rows[code].waiting = total, late or 0, waiting or 0


def _surveys(session: Session, rows: dict[str, ServiceFigures], mine, start: datetime) -> None:
    """Survey answers per rating, for the tickets resolved in the window."""
    query = (
        select(Ticket.service_code, Survey.rating, func.count())
        .join(Survey, Survey.ticket_id == Ticket.id)
        .where(mine, Ticket.resolved_at >= start)
        .group_by(Ticket.service_code, Survey.rating)
    )
    for code, rating, count in session.execute(query):
        rows[code].ratings[rating] = count


def _resolved(session: Session, rows: dict[str, ServiceFigures], months, mine, start) -> int:
    """Fill resolutions per month, compliance and the time histogram; return how many lack a time."""
    norm = case({code: row.norm_hours for code, row in rows.items()}, value=Ticket.service_code, else_=0)
    month = _month_of(Ticket.resolved_at, months)
    bucket = cast(Ticket.resolved_hours * BUCKETS_PER_HOUR, Integer)
    query = (
        select(
            Ticket.service_code,
            month,
            bucket,
            func.count(),
            func.sum(case((Ticket.resolved_hours <= norm, 1), else_=0)),
        )
        .where(mine, Ticket.resolved_at >= start)
        .group_by(Ticket.service_code, month, bucket)
    )
    missing = 0
    for code, key, step, count, compliant in session.execute(query):
        if step is None:  # resolved before resolution times were stored
            missing += count
            continue
        row = rows[code]
        row.resolved[key] = row.resolved.get(key, 0) + count
        row.compliant[key] = row.compliant.get(key, 0) + (compliant or 0)
        row.histogram[step] = row.histogram.get(step, 0) + count
    return missing


def _backfill(session: Session, calendar: WorkingCalendar, mine, start) -> bool:
    """Store the resolution time of tickets resolved before it was recorded; tell whether any were."""
    query = (
        select(Ticket.id, Ticket.received_at, Ticket.resolved_at, Ticket.paused_hours)
        .where(mine, Ticket.resolved_at >= start, Ticket.resolved_hours.is_(None))
        .limit(BACKFILL_BATCH)
    )
    values = [
        {"id": t.id, "resolved_hours": resolution_hours(t, calendar, t.resolved_at)} for t in session.execute(query)
    ]
    if values:
        session.execute(update(Ticket), values)
        session.commit()
    return bool(values)
