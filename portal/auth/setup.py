"""Wire accounts into the app: Flask-Login, idle timeout, the access levels they define."""

from __future__ import annotations

import hmac

from flask import Flask, abort, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.auth.models import User, password_mark
from portal.core.access import register_level
from portal.core.clock import timestamp
from portal.core.numbers import to_int
from portal.extensions import db, login_manager

STAFF = "staf"  # agents, unit leads, administrators
SIGNED_IN = "masuk"  # any signed-in account (staff or internal requester)


def _to_login():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")), 303)


def require_staff():
    """Let staff through; send the anonymous to sign-in; hide the route from others."""
    if not current_user.is_authenticated:
        return _to_login()
    if not current_user.is_staff:
        abort(404)
    return None


def require_signed_in():
    """Let any signed-in account through; send the anonymous to sign-in."""
    return None if current_user.is_authenticated else _to_login()


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
