"""Every route of the FAQ back office under /staf/faq, behind staff sign-in and never cached."""

from __future__ import annotations

from flask import Blueprint

from portal.auth.levels import STAFF
from portal.core.access import protect_blueprint
from portal.core.security import private
from portal.faq import queue_views, views

bp = Blueprint("faq", __name__, url_prefix="/staf/faq")
protect_blueprint(bp, STAFF)
private(bp)  # drafts are not public: never cached

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]

bp.add_url_rule("/", view_func=views.index, methods=GET)
bp.add_url_rule("/baru", view_func=views.edit, methods=BOTH)
bp.add_url_rule("/antrean", endpoint="queue", view_func=queue_views.index, methods=GET)
bp.add_url_rule("/antrean/tutup", endpoint="queue_close", view_func=queue_views.close, methods=POST)
bp.add_url_rule("/<slug>", view_func=views.edit, methods=BOTH)
bp.add_url_rule("/<slug>/ajukan", view_func=views.submit, methods=POST)
bp.add_url_rule("/<slug>/terbitkan", view_func=views.publish, methods=POST)
bp.add_url_rule("/<slug>/arsipkan", view_func=views.archive, methods=POST)
bp.add_url_rule("/<slug>/revisi/<number>/pulihkan", view_func=views.restore, methods=POST)
bp.add_url_rule("/<slug>/beda", view_func=views.diff, methods=GET)
