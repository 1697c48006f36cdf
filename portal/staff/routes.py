"""Every back-office route under /staf, in one list: the whole blueprint is behind staff sign-in.

Pages narrower than "staf" say so on the view (``@access(LEADS)``, ``@access(ADMINS)``).
"""

from __future__ import annotations

from flask import Blueprint

from portal.auth.levels import STAFF
from portal.core.access import protect_blueprint
from portal.core.security import private
from portal.staff import (
    admin_views,
    audit_views,
    calendar_views,
    dashboard_views,
    faq_editor_views,
    faq_views,
    mail_views,
    manage_views,
    mapping_views,
    register_views,
    routing_views,
    views,
)
from portal.staff.approval_views import decide as decide_approval

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
bp.add_url_rule("/tiket/<reference>/persetujuan", endpoint="approval", view_func=decide_approval, methods=POST)
bp.add_url_rule("/tiket/<reference>/tugas", view_func=views.assign, methods=POST)
bp.add_url_rule("/tiket/<reference>/lampiran/<int:attachment_id>", view_func=views.download, methods=GET)
bp.add_url_rule("/tiket/<reference>/jadikan-faq", view_func=faq_views.make_faq, methods=POST)

# Routing: transfer, merge, link, forwarding to a linked unit (section F).
bp.add_url_rule("/tiket/<reference>/pindah", view_func=routing_views.transfer, methods=POST)
bp.add_url_rule("/tiket/<reference>/gabung", view_func=routing_views.merge, methods=POST)
bp.add_url_rule("/tiket/<reference>/tautan", view_func=routing_views.link, methods=POST)
bp.add_url_rule("/tiket/<reference>/teruskan", view_func=routing_views.forward, methods=POST)
bp.add_url_rule("/tiket/<reference>/teruskan/catat", view_func=routing_views.forward_update, methods=POST)

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
bp.add_url_rule("/admin/editor-faq", view_func=faq_editor_views.faq_editors, methods=GET)
bp.add_url_rule("/admin/editor-faq", view_func=faq_editor_views.faq_editor_appoint, methods=POST)
bp.add_url_rule("/admin/editor-faq/cabut", view_func=faq_editor_views.faq_editor_dismiss, methods=POST)

# Outgoing mail that fails (administrators).
bp.add_url_rule("/admin/surat", view_func=mail_views.mail_outbox, methods=GET)
bp.add_url_rule("/admin/surat/kirim-ulang", view_func=mail_views.mail_resend, methods=POST)

bp.add_url_rule("/admin/pemetaan", view_func=mapping_views.mapping, methods=GET)
bp.add_url_rule("/admin/pemetaan", view_func=mapping_views.mapping_save, methods=POST)

# The audit trail (administrators).
bp.add_url_rule("/admin/log", view_func=audit_views.audit_log, methods=GET)
bp.add_url_rule("/admin/log.csv", view_func=audit_views.audit_csv, methods=GET)
