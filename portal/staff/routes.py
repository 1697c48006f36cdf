"""Every back-office route under /staf, in one list: the whole blueprint is behind staff sign-in.

Pages narrower than "staf" say so on the view (``@access(LEADS)``, ``@access(ADMINS)``).
"""

from __future__ import annotations

from flask import Blueprint

from portal.auth.levels import STAFF
from portal.core.access import protect_blueprint
from portal.core.security import private
from portal.staff import admin_views, calendar_views, dashboard_views, mail_views, manage_views, register_views, views

bp = Blueprint("staff", __name__, url_prefix="/staf")
protect_blueprint(bp, STAFF)
private(bp)  # every back-office page shows tickets or staff data: never cached

GET, POST = ["GET"], ["POST"]

# Queues and the ticket page with its actions.
bp.add_url_rule("/", view_func=views.queue, methods=GET)
bp.add_url_rule("/tiket/baru", view_func=register_views.register, methods=["GET", "POST"])
bp.add_url_rule("/tiket/<reference>", view_func=views.ticket, methods=GET)
bp.add_url_rule("/tiket/<reference>/pesan", view_func=views.message, methods=POST)
bp.add_url_rule("/tiket/<reference>/status", view_func=views.change_status, methods=POST)
bp.add_url_rule("/tiket/<reference>/tugas", view_func=views.assign, methods=POST)
bp.add_url_rule("/tiket/<reference>/lampiran/<int:attachment_id>", view_func=views.download, methods=GET)

# Dashboard.
bp.add_url_rule("/dasbor", endpoint="dashboard", view_func=dashboard_views.dashboard_page, methods=GET)
bp.add_url_rule("/dasbor.csv", view_func=dashboard_views.dashboard_csv, methods=GET)

# Canned replies and knowledge feedback.
bp.add_url_rule("/balasan", view_func=manage_views.canned, methods=GET)
bp.add_url_rule("/balasan", view_func=manage_views.canned_save, methods=POST)
bp.add_url_rule("/balasan/hapus", view_func=manage_views.canned_delete, methods=POST)
bp.add_url_rule("/umpan-balik", view_func=manage_views.knowledge, methods=GET)

# Announcements and the calendar (leads and administrators).
bp.add_url_rule("/kalender", view_func=calendar_views.calendar, methods=GET)
bp.add_url_rule("/kalender/pengumuman", view_func=calendar_views.announcement_add, methods=POST)
bp.add_url_rule("/kalender/pengumuman/hapus", view_func=calendar_views.announcement_remove, methods=POST)
bp.add_url_rule("/kalender/hari", view_func=calendar_views.override_set, methods=POST)
bp.add_url_rule("/kalender/hari/hapus", view_func=calendar_views.override_remove, methods=POST)

# Accounts (administrators).
bp.add_url_rule("/admin/pengguna", view_func=admin_views.users, methods=GET)
bp.add_url_rule("/admin/pengguna", view_func=admin_views.user_create, methods=POST)
bp.add_url_rule("/admin/pengguna/sandi", view_func=admin_views.user_reset, methods=POST)
bp.add_url_rule("/admin/pengguna/status", view_func=admin_views.user_active, methods=POST)

# Outgoing mail that fails (administrators).
bp.add_url_rule("/admin/surat", view_func=mail_views.mail_outbox, methods=GET)
bp.add_url_rule("/admin/surat/kirim-ulang", view_func=mail_views.mail_resend, methods=POST)
