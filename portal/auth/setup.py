"""Wire accounts into the app: Flask-Login over server-side sessions, access levels, sign-in pages, CLI."""

from __future__ import annotations

import hmac

from flask import Flask, session
from flask_login import current_user

from portal.auth import signin
from portal.auth.cli import users_cli
from portal.auth.levels import SIGNED_IN, STAFF, require_signed_in, require_staff
from portal.auth.models import User, password_mark
from portal.auth.views import bp
from portal.core.access import register_level
from portal.core.numbers import to_int
from portal.extensions import db, login_manager


def init_app(app: Flask) -> None:
    """Configure Flask-Login, server-side sessions and the sign-in throttle; register ``staf`` and ``masuk``."""
    app.config.setdefault("ARGON2_MEMORY_KIB", 65536)
    # Sessions (portal.auth.sessions): ended after this long without a request, and this long
    # after sign-in whatever the activity.
    app.config.setdefault("IDLE_TIMEOUT_MINUTES", 30)
    app.config.setdefault("SESSION_MAX_HOURS", 12)
    # Sign-in throttle (portal.auth.throttle): free failures per account, then a wait that
    # doubles from LOGIN_DELAY_SECONDS up to LOGIN_DELAY_MAX_SECONDS; browsers that signed in
    # as the account within TRUSTED_DEVICE_DAYS are counted apart.
    app.config.setdefault("LOGIN_FREE_FAILURES", 5)
    app.config.setdefault("LOGIN_DELAY_SECONDS", 30)
    app.config.setdefault("LOGIN_DELAY_MAX_SECONDS", 900)
    app.config.setdefault("TRUSTED_DEVICE_DAYS", 90)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        digits, _sep, mark = session_id.partition(":")
        number = to_int(digits)
        user = db.session.get(User, number) if number else None
        if user is None or not user.active or not hmac.compare_digest(mark, password_mark(user.password_hash)):
            return None  # unknown, deactivated, or signed in with a password since changed
        # The server-side session decides, also for a remember-me cookie (Flask-Login calls this
        # loader for both): without a live staff_session row nothing signs in.
        return user if signin.session_is_live(user) else None

    @app.before_request
    def check_session():
        # Decide the session before any view or template runs: an ended one is cleared, and its
        # message queued, before a page builds a form token or shows its messages.
        if "_user_id" in session:
            _ = current_user.is_authenticated

    register_level(app, STAFF, require_staff)
    register_level(app, SIGNED_IN, require_signed_in)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
