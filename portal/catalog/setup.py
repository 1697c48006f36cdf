"""Wire the service catalog into an application: the loaded catalog, pages, layout, CLI."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, session

from portal.catalog import visitor
from portal.catalog.amendments import load_amendments
from portal.catalog.cli import catalog_cli
from portal.catalog.guidance import Guidance, guidance
from portal.catalog.loader import load_catalog
from portal.catalog.models import UserType
from portal.catalog.service import DATA_DIR, amendments_in_force, channel_name
from portal.catalog.views import bp
from portal.core.templating import register_context


def catalog_guidance(code: str) -> Guidance:
    """What the page of ``code`` shows first: amendment notes, routes for closed user types."""
    return guidance(current_app.extensions["catalog"], code, amendments_in_force())


def remembered_user_type() -> UserType | None:
    """The user type this visitor chose ("Saya adalah …"), for pages that speak to it."""
    return visitor.chosen(session, current_app.extensions["catalog"])


def layout_context() -> dict[str, Any]:
    """Give every page the catalog (opening hours and channels in the footer) and its guidance."""
    return {
        "layout_catalog": current_app.extensions["catalog"],
        "catalog_guidance": catalog_guidance,
        "remembered_user_type": remembered_user_type,
    }


def init_app(app: Flask) -> None:
    """Load and validate the catalog; register its pages, its layout context and ``flask catalog``."""
    # Parsed and validated once per process: a broken catalog stops start-up here.
    app.extensions["catalog"] = load_catalog(DATA_DIR / app.config["CATALOG_FILE"])
    # The desk's amendments, checked against that catalog: a stale or broken file stops start-up too.
    app.extensions["amendments"] = load_amendments(DATA_DIR / app.config["AMENDMENTS_FILE"], app.extensions["catalog"])
    register_context(app, layout_context)
    app.add_template_filter(channel_name, "channel_name")
    app.register_blueprint(bp)
    app.cli.add_command(catalog_cli)
