"""Wire the web chat in: its settings, the visitor's and the agents' pages, the idle-close job."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.chat import offline, service, transcript
from portal.chat.models import ChatState
from portal.chat.routes import bp, staff_bp
from portal.core.timefmt import format_wib
from portal.jobs.registry import register
from portal.tickets import triage

DEFAULTS = {
    "CHAT_MAX_PER_AGENT": 3,  # chats one agent holds at once
    "CHAT_IDLE_MINUTES": 10,  # a chat without a message this long closes with a notice
    "CHAT_AGENT_SEEN_MINUTES": 10,  # an agent counts as present this long after their last chat page
    "CHAT_POLL_SECONDS": 3,  # how often the pages ask for new lines
}


def close_idle(session: Session, now: datetime) -> str:
    """Close chats idle for ``CHAT_IDLE_MINUTES`` with a notice; each transcript becomes a ticket once."""
    minutes = float(current_app.config["CHAT_IDLE_MINUTES"])
    notice = _("Obrolan ditutup karena tidak ada pesan selama %(n)s menit.", n=int(minutes))
    closed = 0
    for chat_id in service.idle(session, now, minutes):
        if has_request_context():
            closed += offline.end_chat(session, chat_id, reason="tidak-aktif", notice=notice) is not None
        else:  # the letter's links need a request: the portal's public address, as mail ingest does
            with current_app.test_request_context(base_url=current_app.config["MAIL_PORTAL_URL"]):
                closed += offline.end_chat(session, chat_id, reason="tidak-aktif", notice=notice) is not None
    return f"{closed} obrolan ditutup"


def wib_time(moment: datetime) -> str:
    """The time of day of a chat line ("10.05 WIB")."""
    return format_wib(moment, with_date=False)


def state_label(state: str) -> str:
    """The Indonesian label of a chat state."""
    return ChatState(state).label


def init_app(app: Flask) -> None:
    """Register the settings' defaults, both blueprints, two filters, the ``chat.close_idle`` job and
    the triage hint that names the code a visitor chose."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.add_template_filter(wib_time, "wib_time")
    app.add_template_filter(state_label, "chat_state")
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    register(app, "chat.close_idle", close_idle)
    triage.add_named_code_hint(app, transcript.named_code)
