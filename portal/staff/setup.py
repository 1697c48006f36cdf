"""Wire the back office into an application: its pages, access levels, dashboard cache, CLI."""

from __future__ import annotations

from flask import Flask

from portal.staff.dashboard_views import install_cache
from portal.staff.demo_cli import demo_cli
from portal.staff.manage_views import register_levels
from portal.staff.routes import bp


def init_app(app: Flask) -> None:
    """Register /staf, the lead and admin access levels, the figures cache and ``flask demo``."""
    register_levels(app)
    install_cache(app)
    app.register_blueprint(bp)
    app.cli.add_command(demo_cli)
