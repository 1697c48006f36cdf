"""The notifications page under /staf/pemberitahuan, behind staff sign-in."""

from __future__ import annotations

from flask import Blueprint

from portal.auth.levels import STAFF
from portal.core.access import protect_blueprint
from portal.core.security import private
from portal.notifications import views

bp = Blueprint("notifications", __name__, url_prefix="/staf/pemberitahuan")
protect_blueprint(bp, STAFF)
private(bp)  # a member's own tickets: never cached

bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/baca", view_func=views.read, methods=["POST"])
bp.add_url_rule("/pilihan", view_func=views.preferences, methods=["POST"])
