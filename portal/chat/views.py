"""The visitor's side: /chat is the chat in working hours, and the request form always.

Without JavaScript the page is a form that files a ticket (``/chat/permintaan``). With it,
``static/js/chat.js`` offers "Mulai obrolan" when the desk is open and an agent is free, then
polls ``/chat/pesan`` for new lines. The chat is known by the signed session cookie, never by a
URL, so no link or log carries it.
"""

from __future__ import annotations

import hashlib

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.chat import offline, service, version
from portal.chat.forms import ActionForm, MessageForm, StartForm
from portal.chat.models import ChatState
from portal.chat.polling import as_json, since_arg, visitor_key
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.timefmt import format_wib
from portal.extensions import db, limiter
from portal.tickets import idempotency

SESSION_KEY = "chat_id"
FORM_PATH = "/chat/permintaan"


def availability() -> service.Availability:
    """Whether a visitor can chat now (settings ``CHAT_MAX_PER_AGENT``, ``CHAT_AGENT_SEEN_MINUTES``)."""
    config = current_app.config
    return service.availability(
        db.session(),
        get_calendar(),
        now(),
        capacity=int(config["CHAT_MAX_PER_AGENT"]),
        seen_minutes=float(config["CHAT_AGENT_SEEN_MINUTES"]),
    )


def own_chat():
    """The chat this browser started, if any."""
    chat_id = session.get(SESSION_KEY)
    return service.get(db.session(), chat_id) if isinstance(chat_id, int) else None


def _start_page(form: StartForm, status: int = 200, suggestions=()):
    can = availability()
    key = idempotency.browser_form_key(session, FORM_PATH)
    return render_template(
        "chat/start.html",
        form=form,
        can=can,
        opens=format_wib(can.opens_at) if can.opens_at else "",
        submission_key=key,
        suggestions=suggestions,
        misconduct=service.mentions_misconduct(form.pesan.data or ""),
    ), status


def page():
    """The chat of this browser, or the form (chat when possible, request otherwise)."""
    chat = own_chat()
    if chat is None:
        return _start_page(StartForm())
    return render_template(
        "chat/chat.html",
        chat=chat,
        ended=chat.state == ChatState.ENDED,
        form=MessageForm(),
        action=ActionForm(),
        poll_seconds=current_app.config["CHAT_POLL_SECONDS"],
        version=version.of(chat),
    )


@limiter.limit("20 per hour", methods=["POST"])
def request_ticket():
    """File the form as a ticket (no JavaScript, outside hours, no agent free); "Cari jawaban" first."""
    form = StartForm()
    if request.form.get("aksi") == "saran":
        return _start_page(form, suggestions=suggestions(form.pesan.data or ""))
    if not form.validate():
        return _start_page(form, 422)
    key = idempotency.clean_key(form.kunci_kirim.data) or idempotency.browser_form_key(session, FORM_PATH)
    content = "\x1f".join([key, form.nama.data, form.email.data, form.kode.data or "", form.tiket.data or "",
                           form.pesan.data])  # fmt: skip
    filed = offline.file_request(db.session(), form, hashlib.sha256(content.encode()).hexdigest(), now())
    if service.mentions_misconduct(form.pesan.data):
        flash(service.siap_notice())
    return redirect(filed, 303)


@limiter.limit("10 per hour")
def start():
    """Start a chat (JavaScript's POST); ``ok: false`` with the reason when nobody can answer now.

    Refusals answer 200 with ``ok: false``: they are an expected outcome the page shows, and the
    browser logs every 4xx of a fetch as a console error.
    """
    form = StartForm()
    if not form.validate():
        return jsonify(ok=False, errors=form.errors)
    can = availability()
    if not can.can_chat:
        return jsonify(ok=False, message=unavailable_text(can))
    chat = service.start(
        db.session(),
        name=form.nama.data,
        email=form.email.data,
        code=(form.kode.data or "").upper(),
        about=form.tiket.data or "",
        text=form.pesan.data,
        now=now(),
        can=can,
    )
    version.publish(chat)
    session[SESSION_KEY] = chat.id
    return jsonify(ok=True, url=url_for("chat.page")), 201


def unavailable_text(can: service.Availability) -> str:
    """Why the chat is closed now, and when the desk opens."""
    if not can.desk_open and can.opens_at is not None:
        return _(
            "Layanan obrolan hanya tersedia pada jam kerja. Meja layanan buka kembali %(when)s. "
            "Kirim pertanyaan Anda sebagai permintaan di bawah ini; isian Anda tetap tersimpan.",
            when=format_wib(can.opens_at),
        )
    return _(
        "Semua petugas sedang sibuk atau tidak tersedia. Kirim pertanyaan Anda sebagai permintaan di bawah "
        "ini; isian Anda tetap tersimpan dan petugas akan menjawab melalui e-mail."
    )


@limiter.limit("120 per minute", key_func=visitor_key)
def poll():
    """New lines since ``sejak``; 204 when the shared store says nothing changed (no query)."""
    chat_id = session.get(SESSION_KEY)
    if not isinstance(chat_id, int):
        return jsonify(ok=False), 404
    if version.unchanged(chat_id, request.args.get("versi", "")):
        return "", 204
    chat = service.get(db.session(), chat_id)
    if chat is None:
        return jsonify(ok=False), 404
    since = since_arg()
    version.publish(chat)  # after a Redis restart or expiry: the next unchanged poll is cheap again
    return jsonify(as_json(chat, service.messages_since(db.session(), chat.id, since)))


@limiter.limit("30 per minute", key_func=visitor_key)
@limiter.limit("60 per minute")
def send():
    """The visitor's message (fetch from chat.js, or the form without it)."""
    chat, form = own_chat(), MessageForm()
    if chat is None:
        return redirect(url_for("chat.page"), 303)
    wants_json = request.accept_mimetypes.best == "application/json"
    error = None
    if not form.validate():
        error = "; ".join(e for errors in form.errors.values() for e in errors)
    else:
        try:
            service.add_message(db.session(), chat, author=service.VISITOR, name=chat.visitor_name,
                                body=form.pesan.data, now=now())  # fmt: skip
            version.publish(chat)
        except service.ChatError as exc:
            error = str(exc)
    if wants_json:  # a refusal is shown by the page (200, ``ok: false``), like the start's
        return jsonify(ok=not error, message=error or "")
    if error:
        flash(error, "error")
    return redirect(url_for("chat.page"), 303)


def end():
    """The visitor ends the chat: its transcript becomes a ticket (once)."""
    chat, form = own_chat(), ActionForm()
    if chat is not None and form.validate():
        offline.end_chat(db.session(), chat.id, reason="pengunjung")
    return redirect(url_for("chat.page"), 303)


def leave():
    """Forget the ended chat in this browser and show the form again."""
    if ActionForm().validate():
        chat = own_chat()
        if chat is None or chat.state == ChatState.ENDED:
            session.pop(SESSION_KEY, None)
    return redirect(url_for("chat.page"), 303)


def suggestions(text: str):
    """FAQ articles for the first message: the search the request forms use for their suggestions."""
    if not text.strip():
        return []
    result = current_app.extensions["search"].search(text[:200], per_page=5)
    return [h for h in result.hits if h.kind == "article"]
