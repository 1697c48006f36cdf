"""The language feature's one route: ``/bahasa/<kode>``."""

from __future__ import annotations

from flask import Blueprint

from portal.core.access import PUBLIC, protect_blueprint
from portal.i18n import views

bp = Blueprint("i18n", __name__)
protect_blueprint(bp, PUBLIC)
bp.add_url_rule("/bahasa/<kode>", "switch", views.switch, methods=["GET"])
