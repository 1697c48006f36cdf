"""Ending a chat: its transcript becomes a ticket, or joins the visitor's ticket, exactly once.

The end is claimed by one conditional UPDATE (state → selesai); the ticket, the transcript, the
chat's ``ticket_reference`` and the letter to the visitor are written in that same transaction.
A retried end (a second click, the idle job on two nodes, the visitor and the agent at once)
finds the chat already ended and files nothing.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.chat import service
from portal.chat.models import Chat, ChatState
from portal.core.calendar import WorkingCalendar
from portal.core.filestore import FileStore
from portal.core.timefmt import format_wib
from portal.mail import service as outbox
from portal.tickets import notify, triage
from portal.tickets import service as tickets
from portal.tickets.letterlink import letter_link
from portal.tickets.waiting import reply_reopens

CHANNEL = "web_chat"  # the catalog's channel key (B.1 d, "Web Chat")
REQUEST = "permintaan"  # the request form: a chat that ends as it starts (``offline.file_request``)


def named_code(session: Session, ticket: tickets.Ticket) -> str | None:
    """The code the visitor chose when starting the chat a triage ticket came from (a triage hint)."""
    if ticket.channel != CHANNEL:
        return None
    code = session.scalar(select(Chat.code).where(Chat.ticket_reference == ticket.reference).limit(1))
    return code or None


def transcript_text(chat: Chat) -> str:
    """The chat as plain text, one line per message, with the WIB time of each."""
    lines = []
    for message in chat.messages:
        who = message.author_name or (_("Sistem") if message.author == service.SYSTEM else message.author)
        lines.append(f"[{format_wib(message.created_at, with_date=False)}] {who}: {message.body}")
    return "\n".join(lines)


def end(
    session: Session,
    chat_id: int,
    *,
    reason: str,
    now: datetime,
    calendar: WorkingCalendar,
    catalog_version: str,
    upload_dir: FileStore,
    notice: str = "",
) -> str | None:
    """End the chat and file its transcript; return the ticket's reference (None if already ended)."""
    claimed = session.execute(
        update(Chat)
        .where(Chat.id == chat_id, Chat.state != ChatState.ENDED)
        .values(state=ChatState.ENDED, ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    chat = session.get(Chat, chat_id)
    if not claimed or chat is None:
        session.rollback()
        return None
    session.refresh(chat)
    service.add_notice(session, chat, notice or _("Obrolan selesai."), now)
    unanswered = chat.accepted_at is None
    joined = _joinable(session, chat, now)
    text = transcript_text(chat)
    if joined is not None:
        # The letter goes to the ticket's own address (the chat's e-mail matched it), so it may
        # carry the thread's letter key, as staff replies do.
        reference, link = joined.reference, letter_link(joined)
        triage.add_system_note(joined, _("Transkrip web chat ditambahkan (obrolan #%(id)s).", id=chat.id), now)
    else:
        subject = _("Web chat: %(first)s", first=chat.messages[0].body[:150]) if chat.messages else _("Web chat")
        ticket, token = triage.create_uncategorised(
            session,
            triage.NewMailTicket(subject, text[:20000], chat.visitor_name, chat.visitor_email),
            calendar=calendar,
            catalog_version=catalog_version,
            uploads=[],
            upload_dir=upload_dir,
            channel=CHANNEL,
            now=now,
            token_days=current_app.config["STATUS_LINK_DAYS"],
        )
        notes = [_("Dari web chat #%(id)s.", id=chat.id)]
        if chat.code:
            notes.append(_("Kode layanan yang disebut pengunjung: %(code)s.", code=chat.code))
        if unanswered:
            notes.append(_("Obrolan tidak terjawab: tidak ada petugas yang menerimanya."))
        triage.add_system_note(ticket, " ".join(notes), now)
        reference, link = ticket.reference, notify.status_link(ticket, token)
    chat.ticket_reference = reference
    outbox.enqueue(
        session,
        to=chat.visitor_email,
        subject=_("Permintaan Anda telah diterima") if reason == REQUEST else _("Transkrip obrolan Anda"),
        template="chat_transcript",
        context={
            "name": chat.visitor_name,
            "reference": reference,
            "link": link,
            "joined": joined is not None,
            "unanswered": unanswered,
            "by_form": reason == REQUEST,
            "transcript": text,
        },  # fmt: skip
        ticket_reference=reference,
        auto=True,
    )
    if joined is not None:
        # The transcript is the requester's message on their ticket (a waiting or resolved ticket
        # runs again); ``add_requester_reply`` commits it with the claim, the note and the letter.
        tickets.add_requester_reply(session, joined, text, [], upload_dir, now, calendar)
    else:
        session.commit()
    return reference


def _joinable(session: Session, chat: Chat, now: datetime):
    """The visitor's own ticket the chat is about, when it still takes their messages."""
    if not chat.about_reference:
        return None
    ticket = tickets.find(session, chat.about_reference)
    if ticket is None or not tickets.email_grants(ticket, chat.visitor_email):
        return None
    return ticket if reply_reopens(ticket, now, tickets.REOPEN_DAYS) else None
