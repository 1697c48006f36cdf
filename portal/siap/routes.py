"""Every SIAP route, in one list: the reporter's pages, the Secretariat's workspace, the assets.

All three blueprints live under ``/siap``, which is what the SIAP headers, the access-log
filter and the quiet error pages key on (``privacy``, ``setup``). Who may use a page is said on
its view, beside its rate limits: ``@access(PUBLIC)`` or a reporter session for reporters, and
for the workspace a Secretariat member (404 for everyone else), unlocked for anything decrypted.
"""

from __future__ import annotations

from flask import Blueprint

from portal.siap import display, views, workspace

reporter = Blueprint("siap", __name__, url_prefix="/siap")
assets = Blueprint("siap_aset", __name__, url_prefix="/siap/aset")
secretariat = Blueprint("siap_sekretariat", __name__, url_prefix="/siap/sekretariat")
BLUEPRINTS = (reporter, assets, secretariat)  # in the order ``setup`` registers them

GET, POST, FORM = ["GET"], ["POST"], ["GET", "POST"]

# Reporters: what SIAP is, filing a complaint and its receipt, opening it again with the receipt.
reporter.add_url_rule("", view_func=views.index, methods=GET)
reporter.add_url_rule("/lapor", view_func=views.report, methods=FORM)
reporter.add_url_rule("/resi", view_func=views.receipt, methods=GET)
reporter.add_url_rule("/masuk", view_func=views.login, methods=FORM)
reporter.add_url_rule("/keluar", view_func=views.logout, methods=POST)
# The reporter's own complaint: the thread, a message, a file.
reporter.add_url_rule("/laporan", view_func=views.thread, methods=GET)
reporter.add_url_rule("/laporan/pesan", view_func=views.message, methods=POST)
reporter.add_url_rule("/laporan/berkas/<ref>", view_func=views.download, methods=GET)

# The stylesheet and other static files of SIAP pages, so that no request of a visit leaves /siap.
assets.add_url_rule("/<path:filename>", view_func=display.asset, methods=GET)

# The Secretariat: unlocking and locking the workspace (members).
secretariat.add_url_rule("/buka", view_func=workspace.unlock, methods=FORM)
secretariat.add_url_rule("/kunci", view_func=workspace.lock, methods=POST)
# The inbox and one complaint with its actions (unlocked members; every opening is audited).
secretariat.add_url_rule("", view_func=workspace.inbox, methods=GET)
secretariat.add_url_rule("/pengaduan/<ref>", view_func=workspace.detail, methods=GET)
secretariat.add_url_rule("/pengaduan/<ref>/balas", view_func=workspace.reply, methods=POST)
secretariat.add_url_rule("/pengaduan/<ref>/catatan", view_func=workspace.note, methods=POST)
secretariat.add_url_rule("/pengaduan/<ref>/status", view_func=workspace.change_status, methods=POST)
secretariat.add_url_rule("/pengaduan/<ref>/teruskan", view_func=workspace.forward, methods=POST)
secretariat.add_url_rule("/pengaduan/<ref>/berkas/<file_ref>", view_func=workspace.download, methods=GET)
# Members and the audit log.
secretariat.add_url_rule("/anggota", view_func=workspace.roster, methods=GET)
secretariat.add_url_rule("/anggota/<int:user_id>/<action>", view_func=workspace.change_member, methods=POST)
secretariat.add_url_rule("/audit", view_func=workspace.audit_log, methods=GET)
