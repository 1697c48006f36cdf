"""The language a requester chose when they filed: their letters are written in it.

Kept in its own table beside ``ticket`` (one row per ticket filed through the portal in a
language; no row means Indonesian, the desk's language, as for tickets from e-mail, the API and
staff registration, whose requesters chose nothing). ``notify`` renders each letter to the
requester under this language with ``flask_babel.force_locale``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_babel import force_locale
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, desk_language
from portal.extensions import Model
from portal.tickets.models import Ticket


class TicketLanguage(Model):
    """The requester's language of one ticket."""

    __tablename__ = "ticket_language"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8))

    ticket: Mapped[Ticket] = relationship()


def remember(session: Session, ticket: Ticket, language: str) -> None:
    """Record the language of a new ticket (added to ``session``, committed with the ticket)."""
    if language in LANGUAGES and language != DEFAULT_LANGUAGE:
        session.add(TicketLanguage(ticket=ticket, language=language))


def language_of(session: Session, ticket: Ticket) -> str:
    """The language to write to the ticket's requester in (Indonesian when none was recorded)."""
    # The confirmation is queued in the transaction that files the ticket: its row is not flushed yet.
    pending = [row.language for row in session.new if isinstance(row, TicketLanguage) and row.ticket is ticket]
    if pending or ticket.id is None:
        return pending[0] if pending else DEFAULT_LANGUAGE
    found = session.scalar(select(TicketLanguage.language).where(TicketLanguage.ticket_id == ticket.id))
    return found or DEFAULT_LANGUAGE


F = TypeVar("F", bound=Callable[..., Any])


def in_requester_language(queue: F) -> F:
    """Run ``queue(session, ticket, …)`` with the ticket's language as the locale: subject, body, dates."""

    @wraps(queue)
    def wrapper(session: Session, ticket: Ticket, *args: Any, **kwargs: Any) -> Any:
        with force_locale(language_of(session, ticket)):
            return queue(session, ticket, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def in_desk_language(tell: F) -> F:
    """Run a staff notification in Indonesian: its text is stored, and staff read the desk's language."""

    @wraps(tell)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with desk_language():
            return tell(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
