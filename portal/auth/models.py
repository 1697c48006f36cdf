"""Accounts of DJPb staff and internal requesters, and the units they belong to."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import now
from portal.core.models import UTCDateTime
from portal.extensions import Model

ROLE_REQUESTER = "pengguna"  # internal requester (KPPN, Kanwil, Direktorat Teknis, Pimpinan)
ROLE_AGENT = "agen"
ROLE_LEAD = "ketua"
ROLE_ADMIN = "admin"
ROLES = (ROLE_REQUESTER, ROLE_AGENT, ROLE_LEAD, ROLE_ADMIN)
STAFF_ROLES = (ROLE_AGENT, ROLE_LEAD, ROLE_ADMIN)


def password_mark(password_hash: str) -> str:
    """Return 16 hex characters that change whenever the password hash changes."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class User(UserMixin, Model):
    """A person who signs in: staff of a unit, or an internal requester."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    user_type: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    units: Mapped[list[UserUnit]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    def get_id(self) -> str:
        """Return what the session stores: the id and a mark of the password hash.

        A new password gives a new mark, so every session signed in with the old one stops
        loading (Flask-Login's "alternative token"). The session cookie is signed, and the mark
        is a truncated digest of the hash, never the hash itself.
        """
        return f"{self.id}:{password_mark(self.password_hash)}"

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in (Flask-Login reads this)."""
        return self.active

    @property
    def is_staff(self) -> bool:
        """Tell whether the account works tickets (agent, unit lead or administrator)."""
        return self.role in STAFF_ROLES

    @property
    def unit_names(self) -> list[str]:
        """Return the names of the units the account belongs to."""
        return [u.unit for u in self.units]


class UserUnit(Model):
    """Membership of an account in one owner unit of the catalog."""

    __tablename__ = "user_unit"
    __table_args__ = (UniqueConstraint("user_id", "unit", name="uq_user_unit_user_id_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(80))
    user: Mapped[User] = relationship(back_populates="units")


class StaffSession(Model):
    """One signed-in browser of an account: ending the row ends the sign-in, whatever the cookie says.

    The browser's cookie carries a random token; only its SHA-256 is stored, so a copy of the
    database cannot be turned into a session.
    """

    __tablename__ = "staff_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LoginThrottle(Model):
    """Failed sign-ins counted for one account address (or one trusted browser), and the wait they impose.

    ``key`` is a keyed hash of the normalised address, never the address itself.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_failure: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
