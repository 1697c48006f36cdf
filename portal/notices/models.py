"""Announcements shown on the home page and days the help desk closes or opens by notice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import now
from portal.core.models import UTCDateTime
from portal.extensions import Model


class Announcement(Model):
    """A notice on the home page (section C.4: changes of hours are announced)."""

    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class CalendarOverride(Model):
    """A day the desk is closed although it is a working day, or open although it is not."""

    __tablename__ = "calendar_override"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    open: Mapped[bool] = mapped_column(Boolean)  # True = extra working day, False = closure
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
