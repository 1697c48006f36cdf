"""Portal HAI-DJPb: the application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask

from portal import config as config_module
from portal.extensions import babel, csrf, db, limiter, migrate

ROOT = Path(__file__).resolve().parent.parent

# Each feature wires itself in ``portal.<name>.setup.init_app``: blueprints, CLI groups, template
# globals, signal handlers. The order matters: SIAP first (its database bind), the catalog before
# the features that read it (kb, tickets, notices), auth before the pages behind its levels.
FEATURES = (
    "siap", "catalog", "audit", "kb", "mail", "auth", "notifications",
    "tickets", "notices", "staff", "performance", "faq", "chat", "api", "jobs", "i18n",
)


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
    app.config.setdefault("KB_PATH", str(ROOT / "kb"))
    # Features first: SIAP adds its database bind, which must exist when the engines are made.
    for name in FEATURES:
        import_module(f"portal.{name}.setup").init_app(app)
    register_extensions(app)

    from portal.core import access, errors, pagecache, security, shared, templating

    shared.init_app(app)
    access.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    pagecache.init_app(app)

    if app.config["AUTO_MIGRATE"]:
        from portal.core.dbsetup import upgrade_database

        upgrade_database(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions of ``portal.extensions`` to ``app``."""
    from portal import models  # noqa: F401  (every table registered before migrations run)
    from portal.core import dbsetup, i18n

    db.init_app(app)
    dbsetup.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
