"""The desk's automatic answers to incoming mail, and the attachment checks they report on.

Every answer is queued with ``portal.mail.service.enqueue(auto=True)`` (``Auto-Submitted:
auto-replied``) in the caller's transaction; ``portal.mail.inbound`` decides whether one may go.
"""

from __future__ import annotations

from io import BytesIO

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from portal.core.timefmt import format_wib
from portal.mail import service as outbox
from portal.mail.parse import Parsed
from portal.tickets import attachments as files
from portal.tickets import notify
from portal.tickets.service import Ticket


def checked_attachments(parsed: Parsed, max_bytes: int, max_count: int) -> tuple[list[files.Upload], list[str]]:
    """The files that pass the web form's checks and limits, and one message per refused file."""
    accepted: list[files.Upload] = []
    refused: list[str] = []
    for part in parsed.attachments:
        storage = FileStorage(stream=BytesIO(part.content), filename=part.filename, content_type=part.content_type)
        try:
            upload = files.check_uploads([storage], max_bytes, 1)[0]
        except files.AttachmentError as exc:
            refused.append(str(exc))
            continue
        if len(accepted) >= max_count:
            refused.append(
                _(
                    'Lampiran "%(name)s" tidak disimpan: maksimal %(count)s lampiran per pesan.',
                    name=upload.filename,
                    count=max_count,
                )
            )
            continue
        accepted.append(upload)
    return accepted, refused


def received(session: Session, ticket: Ticket, token: str, refused: list[str]) -> None:
    """Queue the confirmation of a ticket opened by mail: reference, private link, SIAP, refusals."""
    outbox.enqueue(
        session,
        to=ticket.requester_email,
        subject=_("Permintaan Anda telah diterima"),
        template="inbound_received",
        context={
            "name": ticket.requester_name,
            "ticket": ticket,
            "received": format_wib(ticket.received_at),
            "link": notify.status_link(ticket, token),  # the same private link as the web form's letter
            "siap": url_for("siap.index", _external=True),
            "refused": refused,
        },
        ticket_reference=ticket.reference,
        auto=True,
    )


def refused(session: Session, parsed: Parsed, ticket: Ticket, messages: list[str]) -> None:
    """Queue the list of attachments of a reply that were not stored, and why."""
    outbox.enqueue(
        session,
        to=parsed.sender,
        subject=_("Lampiran tidak dapat diterima"),
        template="inbound_refused",
        context={"name": parsed.sender_name or parsed.sender, "ticket": ticket, "refused": messages},
        ticket_reference=ticket.reference,
        auto=True,
    )


def oversized(session: Session, parsed: Parsed, *, limit_mb: int, size_mb: float) -> None:
    """Queue the answer to a message over the size limit: what the limit is and what to do."""
    outbox.enqueue(
        session,
        to=parsed.sender,
        subject=_("Pesan Anda terlalu besar: %(subject)s", subject=parsed.subject)[:300],
        template="inbound_oversized",
        context={
            "name": parsed.sender_name or parsed.sender,
            "subject": parsed.subject,
            "limit_mb": limit_mb,
            "size_mb": size_mb,
            "portal": url_for("catalog.index", _external=True),
        },
        auto=True,
    )
