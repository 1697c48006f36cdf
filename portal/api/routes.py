"""Every route of the JSON API under /api/v1, in one list.

The blueprint is public; the ticket routes narrow that to bearer tokens (``@access(API_CLIENT)``).
"""

from __future__ import annotations

from flask import Blueprint

from portal.api import tickets, views
from portal.core.access import PUBLIC, protect_blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
protect_blueprint(bp, PUBLIC)

GET, POST = ["GET"], ["POST"]

# Read-only and public: the catalog and FAQ search.
bp.add_url_rule("/catalog", view_func=views.catalog, methods=GET)
bp.add_url_rule("/search", view_func=views.search, methods=GET)
bp.add_url_rule("/openapi.json", view_func=views.openapi, methods=GET)  # describes this list

# Channel integrations, behind bearer tokens: file a ticket, read its summary.
bp.add_url_rule("/tickets", view_func=tickets.create, methods=POST)
bp.add_url_rule("/tickets/<reference>", view_func=tickets.ticket_summary, methods=GET)
