"""The mail feature's back-office pages under /staf/surel: triage, held replies, quarantine."""

from __future__ import annotations

from flask import Blueprint

from portal.auth.levels import STAFF
from portal.core.access import protect_blueprint
from portal.core.security import private
from portal.mail import views

bp = Blueprint("mail", __name__, url_prefix="/staf/surel")
protect_blueprint(bp, STAFF)
private(bp)  # requesters' mail: never cached

GET, POST = ["GET"], ["POST"]

bp.add_url_rule("/triase", view_func=views.triage_queue, methods=GET)
bp.add_url_rule("/triase/<reference>", view_func=views.triage_ticket, methods=GET)
bp.add_url_rule("/triase/<reference>", view_func=views.triage_set_code, methods=POST)
bp.add_url_rule("/ditahan", view_func=views.held, methods=GET)
bp.add_url_rule("/ditahan", view_func=views.held_action, methods=POST)
bp.add_url_rule("/karantina", view_func=views.quarantine, methods=GET)
bp.add_url_rule("/karantina", view_func=views.quarantine_action, methods=POST)
