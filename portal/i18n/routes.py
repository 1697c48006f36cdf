"""The language feature's one route: ``/bahasa/<kode>``."""

from __future__ import annotations

from flask import Blueprint

from portal.core.access import PUBLIC, protect_blueprint
from portal.i18n import views

bp = Blueprint("i18n", __name__)
protect_blueprint(bp, PUBLIC)
bp.add_url_rule("/bahasa/<kode>", "switch", views.switch, methods=["GET"])
# From a SIAP page the switch stays under /siap, so the SIAP log filters drop its request line as
# they drop every other SIAP request: "/bahasa/en?next=/siap/…" would tell a log who went there.
bp.add_url_rule(f"{views.QUIET}/bahasa/<kode>", "switch_quiet", views.switch, methods=["GET"])
