"""E-mails to requesters: confirmation, new links, staff replies, approval decisions, resolution.

Each function only queues the message in ``session`` (``portal.mail.service.enqueue``): the
caller's commit stores it with the change that causes it, and it is sent after that commit.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.core.timefmt import format_wib
from portal.mail import service as mail
from portal.notifications import service as staff_notes
from portal.tickets.language import in_desk_language, in_requester_language
from portal.tickets.letterlink import letter_link
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


@in_requester_language
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


@in_requester_language
def queue_new_link(session: Session, ticket: Ticket, token: str) -> None:
    """Queue a renewed private link (automatic)."""
    _queue(session, ticket, _("Tautan status baru"), "new_link", link=status_link(ticket, token))


@in_requester_language
def queue_staff_reply(session: Session, ticket: Ticket, reply: str) -> None:
    """Queue a public reply of staff: a person's message, so not marked automatic.

    It links to the private thread through a letter key (``letterlink``): the stored link token
    is only a hash, and a new link would revoke the browsers that already hold the thread.
    """
    _queue(
        session,
        ticket,
        _("Balasan dari HAI-DJPb"),
        "staff_reply",
        auto=False,
        reply=reply,
        link=letter_link(ticket),
    )


@in_requester_language
def queue_resolved(session: Session, ticket: Ticket, token: str) -> None:
    """Queue the resolution notice (automatic); the new private link leads to the survey."""
    _queue(session, ticket, _("Tiket selesai"), "resolved", link=status_link(ticket, token))


@in_requester_language
def queue_transferred(session: Session, ticket: Ticket, service_name: str) -> None:
    """Queue the notice that the ticket moved to another service, with its new due time (automatic)."""
    _queue(
        session,
        ticket,
        _("Tiket Anda dipindahkan ke layanan lain"),
        "transferred",
        service_name=service_name,
        due=format_wib(ticket.due_at),
    )


@in_desk_language
def queue_forward_reminder(
    session: Session, ticket: Ticket, to_email: str, to_name: str, unit: str, sent_at: datetime
) -> None:
    """Queue a reminder to staff that a linked unit has not acknowledged a forwarded request.

    Internal mail: it stays out of the requester's thread (no ``ticket_reference``), and the
    reference is in the subject by hand.
    """
    mail.enqueue(
        session,
        to=to_email,
        subject=f"[{ticket.reference}] " + _("Penerusan belum dikonfirmasi"),
        template="forward_reminder",
        context={"name": to_name, "ticket": ticket, "unit": unit, "sent": format_wib(sent_at),
                 "link": staff_link(ticket)},
        auto=True,
    )


def staff_link(ticket: Ticket) -> str:
    """The back-office address of a ticket (a path when there is neither request nor SERVER_NAME)."""
    # From cron there is no request: a full link needs SERVER_NAME, else the path must do.
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("staff.ticket", reference=ticket.reference, _external=True)
    return f"/staf/tiket/{ticket.reference}"


def queue_my_tickets_link(session: Session, address: str, token: str, minutes: int) -> None:
    """Queue the single-use link that opens every ticket of ``address`` ("Tiket saya")."""
    mail.enqueue(
        session,
        to=address,
        subject=_("Daftar tiket Anda di HAI-DJPb"),
        template="my_tickets_link",
        context={"name": _("Bapak/Ibu"), "email": address, "minutes": minutes,
                 "link": url_for("tickets.mine_open", t=token, _external=True)},
        auto=True,
    )


@in_requester_language
def queue_approval_decision(session: Session, ticket: Ticket, approved: bool, reason: str) -> None:
    """Queue the service manager's decision on a broadcast (BMSM.01) to its requester (automatic)."""
    subject = _("Permintaan broadcast disetujui") if approved else _("Permintaan broadcast tidak disetujui")
    due = format_wib(ticket.due_at)
    _queue(session, ticket, subject, "approval_decision", approved=approved, reason=reason, due=due)


@in_requester_language
def queue_waiting_reminder(session: Session, ticket: Ticket, days: int, close_days: int) -> None:
    """Queue the reminder that the desk still waits on the requester (automatic)."""
    _queue(
        session,
        ticket,
        _("Kami menunggu tanggapan Anda"),
        "waiting_reminder",
        days=days,
        close_days=close_days,
        link=letter_link(ticket),
    )


@in_requester_language
def queue_closed_unanswered(session: Session, ticket: Ticket, days: int) -> None:
    """Queue the notice that the ticket closed for want of an answer; a reply reopens it (automatic)."""
    _queue(session, ticket, _("Tiket ditutup karena belum ada tanggapan"), "closed_unanswered", days=days,
           link=letter_link(ticket))


@in_desk_language
def tell_unit_new(session: Session, ticket: Ticket, now: datetime) -> None:
    """Notify the owner unit's staff of a new ticket in their queue ("Pemberitahuan")."""
    staff_notes.notify_unit(
        session,
        ticket.owner_unit,
        kind=staff_notes.KIND_NEW,
        reference=ticket.reference,
        text=_("Tiket baru %(code)s: %(subject)s", code=ticket.code, subject=ticket.subject),
        now=now,
        link=staff_link(ticket),
    )


@in_desk_language
def tell_assignee_reply(session: Session, ticket: Ticket, now: datetime) -> None:
    """Notify the assignee (if any) that the requester replied."""
    staff_notes.notify_user(
        session,
        ticket.assignee_id,
        kind=staff_notes.KIND_REPLY,
        reference=ticket.reference,
        text=_("Balasan pengguna: %(subject)s", subject=ticket.subject),
        now=now,
        link=staff_link(ticket),
    )
