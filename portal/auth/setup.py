"""Wire accounts into the app: Flask-Login, idle timeout, access levels, sign-in pages, CLI."""

from __future__ import annotations

import hmac

from flask import Flask, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.auth.cli import users_cli
from portal.auth.levels import SIGNED_IN, STAFF, require_signed_in, require_staff
from portal.auth.models import User, password_mark
from portal.auth.views import bp
from portal.core.access import register_level
from portal.core.clock import timestamp
from portal.core.numbers import to_int
from portal.extensions import db, login_manager


def init_app(app: Flask) -> None:
    """Configure Flask-Login and register the ``staf`` and ``masuk`` access levels."""
    app.config.setdefault("ARGON2_MEMORY_KIB", 65536)
    app.config.setdefault("IDLE_TIMEOUT_MINUTES", 30)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        number, _sep, mark = session_id.partition(":")
        number = to_int(number)
        user = db.session.get(User, number) if number else None
        if user is None or not user.active or not hmac.compare_digest(mark, password_mark(user.password_hash)):
            return None  # unknown, deactivated, or signed in with a password since changed
        return user

    @app.before_request
    def idle_timeout():
        # An unattended signed-in browser must not stay signed in: sign out after
        # IDLE_TIMEOUT_MINUTES without a request.
        if not current_user.is_authenticated:
            return None
        now = timestamp()
        last = session.get("seen", now)
        if now - last > app.config["IDLE_TIMEOUT_MINUTES"] * 60:
            logout_user()
            session.clear()
            session["_flashes"] = [("error", _("Sesi Anda berakhir karena tidak aktif. Silakan masuk kembali."))]
            return None
        session["seen"] = now
        return None

    register_level(app, STAFF, require_staff)
    register_level(app, SIGNED_IN, require_signed_in)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
