"""The stored snapshot of the public figures: when it was computed, and one row per service.

The figures are computed by a job (``performance.refresh``), never per request; the page reads
the latest snapshot. Only aggregates are stored: no ticket, no requester, nothing of SIAP.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import UTCDateTime
from portal.extensions import Model


class PerformanceSnapshot(Model):
    """One computation of the figures: ``computed_at`` is shown as "Diperbarui …"."""

    __tablename__ = "performance_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())  # first moment of the oldest month
    months: Mapped[int] = mapped_column(Integer)
    rows: Mapped[list[PerformanceFigure]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="PerformanceFigure.position"
    )


class PerformanceFigure(Model):
    """The figures of one service in a snapshot, as the dashboard's definitions compute them."""

    __tablename__ = "performance_figure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("performance_snapshot.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the catalog's order
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))  # the catalog's published name at computation
    norm_hours: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    compliant: Mapped[int] = mapped_column(Integer)
    median_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    survey_count: Mapped[int] = mapped_column(Integer)
    survey_average: Mapped[float | None] = mapped_column(Float, nullable=True)
    snapshot: Mapped[PerformanceSnapshot] = relationship(back_populates="rows")
