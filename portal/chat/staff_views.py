"""The agents' side under /staf/chat: the queue with waiting times, accepting, chatting, transfer, end."""

from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.auth.service import owner_units
from portal.catalog.service import get_catalog
from portal.chat import offline, service, version
from portal.chat.forms import ActionForm, AvailabilityForm, MessageForm, TransferForm
from portal.chat.models import ChatState
from portal.chat.polling import as_json, since_arg
from portal.chat.views import suggestions
from portal.core.clock import now
from portal.extensions import db, limiter
from portal.staff.service import canned_replies

MAX_ID = 2**31 - 1


def _capacity() -> int:
    return int(current_app.config["CHAT_MAX_PER_AGENT"])


def _seen() -> float:
    return float(current_app.config["CHAT_AGENT_SEEN_MINUTES"])


def queue():
    """The "Chat" page: my availability, the waiting visitors with the time waited, the chats I hold."""
    session, moment = db.session(), now()
    me = service.touch(session, current_user, moment)
    form = AvailabilityForm(status="tersedia" if me.available else "istirahat")
    waiting = service.queue(session, [u.unit for u in current_user.units])
    held = service.held_by(session, current_user.id)
    return render_template(
        "chat/queue.html",
        me=me,
        form=form,
        waiting=[(c, int((moment - c.created_at).total_seconds() // 60)) for c in waiting],
        held=held,
        capacity=_capacity(),
        action=ActionForm(),
    )


def set_availability():
    """Set myself available for chats, or away."""
    form = AvailabilityForm()
    if form.validate():
        service.touch(db.session(), current_user, now(), available=form.status.data == "tersedia")
        flash(_("Status obrolan disimpan."), "success")
    return redirect(url_for("chat_staff.queue"), 303)


def accept(chat_id: int):
    """Accept a waiting chat (several at once, up to ``CHAT_MAX_PER_AGENT``)."""
    if not ActionForm().validate() or chat_id > MAX_ID:
        return redirect(url_for("chat_staff.queue"), 303)
    try:
        chat = service.accept(db.session(), chat_id, current_user, now(), capacity=_capacity())
    except service.ChatError as exc:
        flash(str(exc), "error")
        return redirect(url_for("chat_staff.queue"), 303)
    version.publish(chat)
    return redirect(url_for("chat_staff.chat", chat_id=chat.id), 303)


def _chat_or_404(chat_id: int):
    if chat_id > MAX_ID:  # the URL's int converter has no upper bound; PostgreSQL's integer has
        abort(404)
    chat = service.get(db.session(), chat_id)
    if chat is None:
        abort(404)
    return chat


def chat(chat_id: int):
    """One chat: the lines, the reply box, canned replies and FAQ links, transfer and end."""
    session = db.session()
    chat = _chat_or_404(chat_id)
    service.touch(session, current_user, now())
    catalog = get_catalog()
    own = catalog.service_of(chat.code) if chat.code and catalog.get(chat.code) else None
    first = next((m.body for m in chat.messages if m.author == service.VISITOR), "")
    transfer = TransferForm()
    targets = service.transfer_targets(session, now(), current_user.id, seen_minutes=_seen())
    transfer.petugas.choices = [SelectChoice("", _("— pilih petugas —"))] + [
        SelectChoice(str(a.user_id), a.name) for a in targets
    ]
    transfer.unit.choices = [SelectChoice("", _("— pilih unit —"))] + [SelectChoice(u, u) for u in owner_units(catalog)]
    return render_template(
        "chat/agent.html",
        chat=chat,
        mine=chat.state == ChatState.ACTIVE and chat.agent_id == current_user.id,
        form=MessageForm(),
        action=ActionForm(),
        transfer=transfer,
        canned=canned_replies(session, own.code) if own else [],
        articles=suggestions(first)[:5],
        poll_seconds=current_app.config["CHAT_POLL_SECONDS"],
        version=version.of(chat),
    )


@limiter.limit("120 per minute")
def poll(chat_id: int):
    """New lines since ``sejak`` for the agent's page (which keeps the agent counted as present)."""
    chat = _chat_or_404(chat_id)
    service.touch(db.session(), current_user, now())
    return jsonify(as_json(chat, service.messages_since(db.session(), chat.id, since_arg())))


def _holding(chat) -> bool:
    if chat.state == ChatState.ACTIVE and chat.agent_id == current_user.id:
        return True
    flash(_("Hanya petugas yang sedang melayani obrolan ini yang dapat melakukannya."), "error")
    return False


@limiter.limit("60 per minute")
def send(chat_id: int):
    """The agent's message (typed, a canned reply or an FAQ link)."""
    chat, form = _chat_or_404(chat_id), MessageForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    error = None
    if not form.validate():
        error = "; ".join(e for errors in form.errors.values() for e in errors)
    elif chat.state != ChatState.ACTIVE or chat.agent_id != current_user.id:
        error = _("Hanya petugas yang sedang melayani obrolan ini yang dapat melakukannya.")
    else:
        try:
            service.add_message(db.session(), chat, author=service.AGENT, name=current_user.name,
                                body=form.pesan.data, now=now())  # fmt: skip
            version.publish(chat)
        except service.ChatError as exc:
            error = str(exc)
    if wants_json:
        return jsonify(ok=not error, message=error or "")
    if error:
        flash(error, "error")
    return redirect(url_for("chat_staff.chat", chat_id=chat.id), 303)


def transfer(chat_id: int):
    """Hand the chat to another available agent or to a unit's queue."""
    chat, form = _chat_or_404(chat_id), TransferForm()
    if form.validate() and _holding(chat):
        session = db.session()
        chosen = form.petugas.data or ""
        target = service.agent(session, int(chosen)) if chosen.isdigit() and len(chosen) < 10 else None
        unit = form.unit.data if form.unit.data in owner_units(get_catalog()) else None
        try:
            service.transfer(session, chat, by=current_user, now=now(), to_agent=target, to_unit=unit,
                             capacity=_capacity())  # fmt: skip
        except service.ChatError as exc:
            flash(str(exc), "error")
        else:
            version.publish(chat)
            flash(_("Obrolan dialihkan."), "success")
            return redirect(url_for("chat_staff.queue"), 303)
    return redirect(url_for("chat_staff.chat", chat_id=chat.id), 303)


def end(chat_id: int):
    """End the chat: its transcript becomes a ticket (once, however often this is sent)."""
    chat = _chat_or_404(chat_id)
    if ActionForm().validate() and _holding(chat):
        reference = offline.end_chat(db.session(), chat.id, reason="petugas")
        if reference:
            flash(_("Obrolan selesai; transkrip tersimpan sebagai tiket %(ref)s.", ref=reference), "success")
    return redirect(url_for("chat_staff.chat", chat_id=chat.id), 303)
