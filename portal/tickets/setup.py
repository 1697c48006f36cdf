"""Wire requests and tickets into an application: request types, template helpers, pages."""

from __future__ import annotations

from flask import Flask

from portal.catalog.service import DATA_DIR
from portal.core.templating import register_global
from portal.jobs.registry import register
from portal.tickets import jobs, waiting
from portal.tickets.cli import tickets_cli
from portal.tickets.fields import field_label
from portal.tickets.models import TicketStatus
from portal.tickets.routes import bp
from portal.tickets.types import load_request_types, request_type_name


def init_app(app: Flask) -> None:
    """Load the request types (checked against the catalog), the field-label helper, the pages, ``flask tickets``."""
    app.extensions["request_types"] = load_request_types(
        DATA_DIR / app.config["REQUEST_TYPES_FILE"], app.extensions["catalog"]
    )
    register_global(app, "field_label", field_label)
    register_global(app, "TicketStatus", TicketStatus)
    register_global(app, "request_type_name", request_type_name)
    register_global(app, "closed_unanswered", waiting.closed_unanswered)  # the reply form stays for these
    app.register_blueprint(bp)
    app.cli.add_command(tickets_cli)
    jobs.register_all(app, register)
