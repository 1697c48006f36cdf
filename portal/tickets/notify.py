"""E-mails to requesters: confirmation, new links, staff replies, resolution.

Each function only queues the message in ``session`` (``portal.mail.service.enqueue``): the
caller's commit stores it with the change that causes it, and it is sent after that commit.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.core.timefmt import format_wib
from portal.mail import service as mail
from portal.tickets.models import Ticket


def status_link(ticket: Ticket, token: str) -> str:
    """The private link that opens the ticket's thread."""
    return url_for("tickets.thread", reference=ticket.reference, t=token, _external=True)


def _queue(session: Session, ticket: Ticket, subject: str, template: str, *, auto: bool = True, **context) -> None:
    mail.enqueue(
        session,
        to=ticket.requester_email,
        subject=subject,
        template=template,
        context={"name": ticket.requester_name, "ticket": ticket, **context},
        ticket_reference=ticket.reference,
        auto=auto,
    )


def queue_confirmation(session: Session, ticket: Ticket, token: str, service_name: str) -> None:
    """Queue the confirmation to the requester (automatic)."""
    _queue(
        session,
        ticket,
        _("Permintaan Anda telah diterima"),
        "confirmation",
        service_name=service_name,
        received=format_wib(ticket.received_at),
        due=format_wib(ticket.due_at),
        link=status_link(ticket, token),
    )


def queue_new_link(session: Session, ticket: Ticket, token: str) -> None:
    """Queue a renewed private link (automatic)."""
    _queue(session, ticket, _("Tautan status baru"), "new_link", link=status_link(ticket, token))


def queue_staff_reply(session: Session, ticket: Ticket, reply: str) -> None:
    """Queue a public reply of staff: a person's message, so not marked automatic.

    It points to the status page (reference + e-mail), not to a private link: links are stored
    hashed, so the live one cannot be repeated, and a new one would revoke the browsers that
    already hold the thread.
    """
    _queue(
        session,
        ticket,
        _("Balasan dari HAI-DJPb"),
        "staff_reply",
        auto=False,
        reply=reply,
        status_page=url_for("tickets.status", _external=True),
    )


def queue_resolved(session: Session, ticket: Ticket, token: str) -> None:
    """Queue the resolution notice (automatic); the new private link leads to the survey."""
    _queue(session, ticket, _("Tiket selesai"), "resolved", link=status_link(ticket, token))
