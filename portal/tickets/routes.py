"""Every public route of requests and tickets, in one list: filing a request, following it."""

from __future__ import annotations

from flask import Blueprint

from portal.core.access import PUBLIC, protect_blueprint
from portal.core.security import private
from portal.tickets import mine_views, status_views, views

bp = Blueprint("tickets", __name__)
protect_blueprint(bp, PUBLIC)
private(bp)  # request forms, status look-ups and threads hold personal data: never cached

GET, POST = ["GET"], ["POST"]

# Filing a request: choose its type, fill in the form, see matching FAQ articles.
bp.add_url_rule("/permintaan", view_func=views.start, methods=GET)
bp.add_url_rule("/permintaan/<code>", view_func=views.choose, methods=GET)
bp.add_url_rule("/permintaan/<code>/<type_key>", view_func=views.form, methods=["GET", "POST"])
bp.add_url_rule("/permintaan/<code>/saran", view_func=views.suggestion, methods=GET)

# Following a ticket with its reference and private link.
bp.add_url_rule("/status", view_func=status_views.status, methods=["GET", "POST"])
bp.add_url_rule("/status/tautan-baru", view_func=status_views.renew, methods=POST)
bp.add_url_rule("/status/<reference>", view_func=status_views.thread, methods=GET)
bp.add_url_rule("/status/<reference>/survei", view_func=status_views.survey, methods=POST)
bp.add_url_rule("/status/<reference>/balas", view_func=status_views.reply, methods=POST)
bp.add_url_rule("/status/<reference>/lampiran/<int:attachment_id>", view_func=status_views.download, methods=GET)

# "Tiket saya": every ticket of an address, through a single-use e-mailed link.
bp.add_url_rule("/tiket-saya", endpoint="mine_page", view_func=mine_views.mine_page, methods=["GET", "POST"])
bp.add_url_rule("/tiket-saya/buka", endpoint="mine_open", view_func=mine_views.mine_open, methods=["GET", "POST"])
bp.add_url_rule("/tiket-saya/daftar", endpoint="mine_list", view_func=mine_views.mine_list, methods=GET)
bp.add_url_rule("/tiket-saya/tiket/<reference>", endpoint="mine_thread", view_func=mine_views.mine_thread, methods=GET)
bp.add_url_rule("/tiket-saya/keluar", endpoint="mine_end", view_func=mine_views.mine_end, methods=POST)
