"""Tickets, their events and attachments, and the tokens of channel integrations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.core.clock import now
from portal.core.models import StrEnumType, UTCDateTime
from portal.extensions import Model
from portal.tickets.routing_models import TicketForward


class TicketStatus(StrEnum):
    """Workflow states; the allowed transitions live in ``portal/tickets/workflow.py``."""

    NEW = "baru"
    OPEN = "diproses"
    WAITING = "menunggu-pengguna"
    RESOLVED = "selesai"
    CLOSED = "ditutup"
    # Waiting on a linked unit of section F (see ``TicketForward``); the clock runs (README).
    FORWARDED = "diteruskan-unit"
    # BMSM.01: a broadcast waits for the service manager's approval (Batasan BMSM.01).
    AWAITING_APPROVAL = "menunggu-persetujuan"
    REFUSED = "ditolak"

    @property
    def label(self) -> LazyString:
        """The name staff see."""
        return _LABELS[self]

    @property
    def public_label(self) -> LazyString:
        """The name the requester sees (addressed to them where it differs)."""
        return _PUBLIC_LABELS.get(self, _LABELS[self])

    @property
    def awaits_approval(self) -> bool:
        """Tell whether the service manager has yet to approve or refuse (BMSM.01)."""
        return self is TicketStatus.AWAITING_APPROVAL

    @property
    def desk_owes_reply(self) -> bool:
        """Tell whether the next step is the desk's (the ticket can run late)."""
        return self in (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.FORWARDED)


_LABELS = {
    TicketStatus.NEW: _l("Baru"),
    TicketStatus.OPEN: _l("Diproses"),
    TicketStatus.WAITING: _l("Menunggu pengguna"),
    TicketStatus.RESOLVED: _l("Selesai"),
    TicketStatus.CLOSED: _l("Ditutup"),
    TicketStatus.FORWARDED: _l("Diteruskan"),
    TicketStatus.AWAITING_APPROVAL: _l("Menunggu persetujuan"),
    TicketStatus.REFUSED: _l("Ditolak"),
}
_PUBLIC_LABELS = {
    TicketStatus.WAITING: _l("Menunggu tanggapan Anda"),
    TicketStatus.AWAITING_APPROVAL: _l("Menunggu persetujuan pengelola layanan HAI-DJPb"),
    TicketStatus.REFUSED: _l("Ditolak oleh pengelola layanan HAI-DJPb"),
}

STATUS_NEW = TicketStatus.NEW
STATUS_OPEN = TicketStatus.OPEN
STATUS_WAITING = TicketStatus.WAITING
STATUS_RESOLVED = TicketStatus.RESOLVED
STATUS_CLOSED = TicketStatus.CLOSED
STATUS_AWAITING_APPROVAL = TicketStatus.AWAITING_APPROVAL
STATUS_REFUSED = TicketStatus.REFUSED
OPEN_STATUSES = (STATUS_NEW, STATUS_OPEN, STATUS_WAITING, TicketStatus.FORWARDED, STATUS_AWAITING_APPROVAL)


class Ticket(Model):
    """One request, from whichever channel it came."""

    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_owner_unit_status", "owner_unit", "status"),
        Index("ix_ticket_status_due_at", "status", "due_at"),
        # The dashboard's figures read only these columns: covering indexes, no table look-ups.
        Index("ix_ticket_owner_unit_resolved_at", "owner_unit", "resolved_at", "service_code", "resolved_hours"),
        Index("ix_ticket_owner_unit_received_at", "owner_unit", "received_at", "service_code", "channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(16), index=True)  # service or sub-scope code
    service_code: Mapped[str] = mapped_column(String(8))
    request_type: Mapped[str] = mapped_column(String(40))
    catalog_version: Mapped[str] = mapped_column(String(16))
    owner_unit: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # the other fields of the form
    requester_name: Mapped[str] = mapped_column(String(120))
    requester_email: Mapped[str] = mapped_column(String(254), index=True)
    user_type: Mapped[int] = mapped_column(Integer)
    requester_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    status: Mapped[TicketStatus] = mapped_column(StrEnumType(TicketStatus), default=STATUS_NEW)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    token_expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The clock stops while the ticket waits on the requester (see portal/tickets/workflow.py).
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paused_hours: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Norma-waktu alerts (portal/tickets/alerts.py): each recorded once. ``next_alert_at`` is the
    # next moment the job must look at this ticket (NULL: work it out on the next run), indexed so
    # the scan grows with the tickets that are due, not with all tickets.
    alert75_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    alert100_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    next_alert_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True, default=lambda ctx: ctx.get_current_parameters()["received_at"]
    )
    # The requester's reminder while the desk waits on them (once per wait).
    requester_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # How the request was fulfilled (section G.3), recorded when resolving.
    fulfilment: Mapped[str | None] = mapped_column(String(30), nullable=True)
    fulfilment_unit: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # Working hours from receipt to resolution, minus the paused hours: what the SLA panel
    # showed at that moment. Stored when resolving so the dashboard need not replay the clock.
    resolved_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    # A duplicate merged into another ticket: its reference leads there (``routing.survivor_reference``).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), nullable=True, index=True)

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="TicketEvent.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    forwards: Mapped[list[TicketForward]] = relationship(order_by="TicketForward.id", viewonly=True)

    @property
    def is_open(self) -> bool:
        """Tell whether the ticket still waits for an answer."""
        return self.status in OPEN_STATUSES

    @validates("status")
    def _as_status(self, _key: str, value: str) -> TicketStatus:
        # A plain string (from a form) becomes the member at once, not only after a reload.
        return TicketStatus(value)


class TicketEvent(Model):
    """Something that happened to a ticket: a message, a status change, an assignment."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # dibuat | pesan | catatan | status | tugas
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    author: Mapped[str] = mapped_column(String(20))  # pengguna | staf | sistem
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    body: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[TicketStatus | None] = mapped_column(StrEnumType(TicketStatus), nullable=True)
    to_status: Mapped[TicketStatus | None] = mapped_column(StrEnumType(TicketStatus), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="event", order_by="Attachment.id")

    @validates("from_status", "to_status")
    def _as_status(self, _key: str, value: str | None) -> TicketStatus | None:
        return None if value is None else TicketStatus(value)


class Attachment(Model):
    """A file sent with a request or a reply, stored outside ``static/``."""

    __tablename__ = "ticket_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_event.id", ondelete="CASCADE"), nullable=True)
    filename: Mapped[str] = mapped_column(String(120))  # sanitised name shown to people
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random name on disk
    mimetype: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")
    event: Mapped[TicketEvent | None] = relationship(back_populates="attachments")


class CannedReply(Model):
    """A reply text staff keep per service, to answer recurring questions consistently."""

    __tablename__ = "canned_reply"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_code: Mapped[str] = mapped_column(String(8), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class Survey(Model):
    """The requester's rating (1–5) of a resolved ticket, with an optional comment."""

    __tablename__ = "ticket_survey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), unique=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class ApiToken(Model):
    """A bearer token of a channel integration (e.g. a WhatsApp bot); only its hash is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class SuggestionOpened(Model):
    """Daily count of suggested articles opened from a request form (no personal data)."""

    __tablename__ = "ticket_suggestion_opened"
    __table_args__ = (UniqueConstraint("code", "slug", "day", name="uq_ticket_suggestion_opened_code_slug_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(120))
    day: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)


class TicketGrant(Model):
    """A browser's access to one requester's thread, kept on the server.

    The browser's session cookie holds only ``<reference>:<grant id>``; the id is random and only
    its hash is stored here. A grant made from a private link remembers that link's token
    (``token_hash``): renewing or expiring the token revokes it. A grant made by the e-mail
    check on /status has no token (``token_hash`` is NULL). Every grant has its own expiry.
    """

    __tablename__ = "ticket_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    ticket: Mapped[Ticket] = relationship()


class SubmissionKey(Model):
    """A one-time submission key (form) or ``Idempotency-Key`` (API), and the ticket it created.

    Written in the same transaction as the ticket, so a key is taken exactly when its ticket
    exists. Only hashes of the key are stored; the first answer (the status token, and the API's
    response body) is sealed with a key derived from the client's key, which the server does not keep.
    """

    __tablename__ = "submission_key"
    __table_args__ = (UniqueConstraint("scope", "key_hash", "variant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))  # "form", or "api:<token id>" per integration
    key_hash: Mapped[str] = mapped_column(String(64))
    # The form may reuse a key for other content (a new request); the API may not, so its rows
    # leave this empty and the unique constraint allows one row per key.
    variant: Mapped[str] = mapped_column(String(64), default="")
    fingerprint: Mapped[str] = mapped_column(String(64))  # hash of the request's content
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    sealed_answer: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    ticket: Mapped[Ticket] = relationship()


class MyTicketsLink(Model):
    """A single-use link to "Tiket saya" sent to an address (only the token's SHA-256 is kept)."""

    __tablename__ = "my_tickets_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class MyTicketsGrant(Model):
    """A browser's session of "Tiket saya", made from a used link; the cookie holds only its random id."""

    __tablename__ = "my_tickets_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
