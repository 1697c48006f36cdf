"""The public performance page, ``/kinerja``."""

from __future__ import annotations

from flask import Blueprint

from portal.core.access import PUBLIC, protect_blueprint
from portal.performance import views

bp = Blueprint("performance", __name__)
protect_blueprint(bp, PUBLIC)

bp.add_url_rule("/kinerja", endpoint="index", view_func=views.index, methods=["GET"])
