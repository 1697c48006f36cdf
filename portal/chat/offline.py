"""Ending chats with this application's settings, and the request form that files a ticket at once.

The request form (no JavaScript, outside hours, no agent free) is a chat that ends as soon as it
starts: its one message goes through ``transcript.end`` like any unanswered chat, so the ticket,
its channel "web chat", the letter and the exactly-once rule are the same for both.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.catalog.service import get_catalog
from portal.chat import service, transcript, version
from portal.chat.models import Chat, ChatState
from portal.chat.transcript import REQUEST
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.tickets import service as tickets
from portal.tickets.grants import grant_new_ticket
from portal.tickets.submit import attachment_store


def end_chat(session: Session, chat_id: int, *, reason: str, notice: str = "") -> str | None:
    """End a chat now and file its transcript (None when it had already ended)."""
    reference = transcript.end(
        session,
        chat_id,
        reason=reason,
        now=now(),
        calendar=get_calendar(),
        catalog_version=get_catalog().version,
        upload_dir=attachment_store(),
        notice=notice,
    )
    chat = service.get(session, chat_id)
    if chat is not None:
        version.publish(chat)
    return reference


def file_request(session: Session, form, key_hash: str, moment: datetime) -> str:
    """File the form as a ticket once per submission key and content; return where to send the browser."""
    chat = session.scalars(select(Chat).where(Chat.submission_key == key_hash)).first()
    if chat is None:
        chat = Chat(
            state=ChatState.WAITING,
            visitor_name=form.nama.data[:120],
            visitor_email=form.email.data,
            code=(form.kode.data or "").upper(),
            about_reference=form.tiket.data or "",
            submission_key=key_hash,
            created_at=moment,
            last_activity_at=moment,
        )
        session.add(chat)
        try:
            service.add_first(session, chat, form.pesan.data, moment)  # flushes: the key's unique check
            end_chat(session, chat.id, reason=REQUEST, notice=_("Dikirim sebagai permintaan melalui formulir."))
        except IntegrityError:  # the same submission, committed meanwhile by another request
            session.rollback()
            chat = session.scalars(select(Chat).where(Chat.submission_key == key_hash)).one()
    ticket = tickets.find(session, chat.ticket_reference or "")
    if ticket is None:  # cannot happen: the chat was ended with its ticket in one commit
        raise RuntimeError("request chat without its ticket")
    if chat.about_reference and ticket.reference == tickets.normalise_reference(chat.about_reference):
        flash(_("Pertanyaan Anda ditambahkan ke tiket %(ref)s.", ref=ticket.reference))
        return url_for("tickets.status")
    return grant_new_ticket(ticket)
