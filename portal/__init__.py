"""Portal HAI-DJPb: the application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from portal import config as config_module
from portal.extensions import babel, csrf, db, limiter, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal application.

    ``config`` is applied last, after the class defaults, ``instance/config.py`` and
    ``PORTAL_*`` environment variables, so tests can override anything.
    """
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get(
        "PORTAL_INSTANCE_PATH", str(ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config_module.Config)
    app.config.from_pyfile("config.py", silent=True)
    config_module.apply_environment(app.config)
    if config:
        app.config.update(config)
    config_module.finalise(app.config, app.instance_path)
    # Before the extensions: SIAP adds its database bind, which must exist when engines are made.
    from portal.siap import setup as siap_setup

    siap_setup.init_app(app)

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)

    from portal.core import access, errors, pagecache, security, templating
    from portal.notices import setup as notices_setup

    access.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    pagecache.init_app(app)
    notices_setup.init_app(app)

    if app.config["AUTO_MIGRATE"]:
        from portal.core.dbsetup import upgrade_database

        upgrade_database(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions of ``portal.extensions`` to ``app``."""
    from portal import models  # noqa: F401  (every table registered before migrations run)
    from portal.core import dbsetup

    db.init_app(app)
    dbsetup.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)

    from portal.catalog import setup as catalog_setup

    catalog_setup.init_app(app)
    app.config.setdefault("KB_PATH", str(ROOT / "kb"))

    from portal.kb import setup as kb_setup

    kb_setup.init_app(app)

    from portal.auth import setup as auth_setup

    auth_setup.init_app(app)

    from portal.tickets import setup as tickets_setup

    tickets_setup.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register each feature's blueprint."""
    from portal.api import tickets as api_tickets
    from portal.api.views import bp as api_bp
    from portal.auth.views import bp as auth_bp
    from portal.catalog.views import bp as catalog_bp
    from portal.kb.views import bp as kb_bp

    api_tickets.init_app(app)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(kb_bp)
    app.register_blueprint(auth_bp)

    from portal.tickets import status_views  # noqa: F401  (adds the /status routes to the blueprint)
    from portal.tickets.views import bp as tickets_bp

    app.register_blueprint(tickets_bp)

    # These add their routes to the staff blueprint, so they are imported before it is registered.
    from portal.staff import admin_views, calendar_views, dashboard_views, manage_views, register_views  # noqa: F401
    from portal.staff.views import bp as staff_bp

    app.register_blueprint(staff_bp)
    app.register_blueprint(api_bp)
    # The JSON API is read-only so far and carries no session; CSRF is for forms.
    csrf.exempt(api_bp)


def register_cli(app: Flask) -> None:
    """Attach the feature command groups (``flask catalog …``)."""
    from portal.auth.cli import users_cli
    from portal.catalog.cli import catalog_cli
    from portal.kb.cli import kb_cli

    app.cli.add_command(catalog_cli)
    app.cli.add_command(kb_cli)
    app.cli.add_command(users_cli)

    from portal.api.cli import api_token_cli

    app.cli.add_command(api_token_cli)

    from portal.staff.demo_cli import demo_cli

    app.cli.add_command(demo_cli)
