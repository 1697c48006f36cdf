"""Every chat route: the visitor's /chat and the agents' /staf/chat (behind staff sign-in)."""

from __future__ import annotations

from flask import Blueprint

from portal.auth.levels import STAFF
from portal.chat import staff_views, views
from portal.core.access import PUBLIC, protect_blueprint
from portal.core.security import private

GET, POST = ["GET"], ["POST"]

bp = Blueprint("chat", __name__, url_prefix="/chat")
protect_blueprint(bp, PUBLIC)
private(bp)  # a visitor's own conversation: never cached
bp.add_url_rule("", endpoint="page", view_func=views.page, methods=GET)
bp.add_url_rule("/permintaan", view_func=views.request_ticket, methods=POST)
bp.add_url_rule("/mulai", view_func=views.start, methods=POST)
bp.add_url_rule("/pesan", view_func=views.poll, methods=GET)
bp.add_url_rule("/kirim", view_func=views.send, methods=POST)
bp.add_url_rule("/selesai", view_func=views.end, methods=POST)
bp.add_url_rule("/baru", view_func=views.leave, methods=POST)

staff_bp = Blueprint("chat_staff", __name__, url_prefix="/staf/chat")
protect_blueprint(staff_bp, STAFF)
private(staff_bp)
staff_bp.add_url_rule("", endpoint="queue", view_func=staff_views.queue, methods=GET)
staff_bp.add_url_rule("/status", view_func=staff_views.set_availability, methods=POST)
staff_bp.add_url_rule("/<int:chat_id>", endpoint="chat", view_func=staff_views.chat, methods=GET)
staff_bp.add_url_rule("/<int:chat_id>/pesan", endpoint="poll", view_func=staff_views.poll, methods=GET)
staff_bp.add_url_rule("/<int:chat_id>/terima", view_func=staff_views.accept, methods=POST)
staff_bp.add_url_rule("/<int:chat_id>/kirim", endpoint="send", view_func=staff_views.send, methods=POST)
staff_bp.add_url_rule("/<int:chat_id>/pindah", view_func=staff_views.transfer, methods=POST)
staff_bp.add_url_rule("/<int:chat_id>/selesai", endpoint="end", view_func=staff_views.end, methods=POST)
