"""Sign-in and sign-out at /staf/masuk and /staf/keluar."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth import service
from portal.auth.forms import LoginForm
from portal.core.access import PUBLIC, access
from portal.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staf")


def _safe_next(target: str | None) -> str | None:
    """Accept only a path on this site as the place to return to after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_key() -> str:
    # Throttle per account as well as per address: guessing one password from many
    # addresses must not get more tries.
    return "masuk:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/masuk", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit("20 per 10 minutes", methods=["POST"], deduct_when=lambda r: r.status_code != 303)
@limiter.limit("5 per 10 minutes", methods=["POST"], key_func=_login_key, deduct_when=lambda r: r.status_code != 303)
def login():
    """Show the sign-in form and sign the account in."""
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    user = service.authenticate(
        db.session, form.email.data, form.password.data, service.hasher(current_app.config["ARGON2_MEMORY_KIB"])
    )
    if user is None:
        return render_template("auth/login.html", form=form, failed=True), 401
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)
    flash(_("Selamat datang, %(name)s.", name=user.name), "success")
    default = url_for("staff.queue") if user.is_staff and "staff.queue" in current_app.view_functions else "/"
    return redirect(_safe_next(form.next.data) or default, 303)


@bp.post("/keluar")
@access(PUBLIC)
def logout():
    """Sign out and forget the session."""
    if current_user.is_authenticated:
        logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "success")
    return redirect(url_for("catalog.home"), 303)
