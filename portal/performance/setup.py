"""Wire the public performance page in: ``/kinerja`` and the job that computes its figures."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from portal.catalog.service import get_catalog
from portal.core.desk import get_calendar
from portal.jobs.registry import register
from portal.performance import service
from portal.performance.routes import bp


def _refresh_job(session: Session, now: datetime) -> str:
    """Compute and store the figures of /kinerja (once per PERFORMANCE_REFRESH_HOURS)."""
    snapshot = service.refresh(session, get_catalog(), get_calendar(), now)
    return f"angka kinerja {len(snapshot.rows)} layanan dihitung"


def init_app(app: Flask) -> None:
    """Register /kinerja and the ``performance.refresh`` job with its settings' defaults."""
    app.config.setdefault("PERFORMANCE_MIN_COUNT", service.DEFAULT_MIN_COUNT)
    app.config.setdefault("PERFORMANCE_REFRESH_HOURS", 24)
    app.register_blueprint(bp)
    hours = float(app.config["PERFORMANCE_REFRESH_HOURS"])
    register(app, "performance.refresh", _refresh_job, every=timedelta(hours=hours))
