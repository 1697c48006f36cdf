"""Sign-in, sign-out and password change at /staf/masuk, /staf/keluar and /staf/kata-sandi."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.auth import service, signin
from portal.auth.forms import LoginForm, PasswordForm
from portal.auth.levels import SIGNED_IN
from portal.core.access import PUBLIC, access
from portal.core.security import private
from portal.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staf")
private(bp)  # sign-in and password forms: never cached


def _safe_next(target: str | None) -> str | None:
    """Accept only a path on this site as the place to return to after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/masuk", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit("20 per 10 minutes", methods=["POST"], deduct_when=lambda r: r.status_code != 303)
def login():
    """Show the sign-in form and sign the account in; failures per account earn growing waits."""
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    # Counted per account (the address as sign-in normalises it), or per browser for one that
    # signed in as this account before: see portal.auth.throttle.
    attempt = signin.Attempt.for_address(form.email.data)
    wait = attempt.claim()
    if wait:
        return signin.too_many(form, wait)
    user = service.authenticate(
        db.session(), form.email.data, form.password.data, service.hasher(current_app.config["ARGON2_MEMORY_KIB"])
    )
    if user is None:
        return render_template("auth/login.html", form=form, failed=True), 401
    session.clear()  # a fresh session on sign-in: no fixation
    signin.sign_in(user)
    flash(_("Selamat datang, %(name)s.", name=user.name), "success")
    response = redirect(_safe_next(form.next.data) or _home(user), 303)
    attempt.succeeded(response)
    return response


def _home(user) -> str:
    return url_for("staff.queue") if user.is_staff and "staff.queue" in current_app.view_functions else "/"


def _password_key() -> str:
    # Per account: confirming the current password is a guess at it, whatever the address.
    return f"sandi:{current_user.id}" if current_user.is_authenticated else "sandi:-"


@bp.route("/kata-sandi", methods=["GET", "POST"])
@access(SIGNED_IN)
@limiter.limit("5 per 10 minutes", methods=["POST"], key_func=_password_key, deduct_when=lambda r: r.status_code != 303)
def change_password():
    """Change the signed-in account's password; every other session is signed out."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return _password_page(form, 400 if request.method == "POST" else 200)
    user = current_user._get_current_object()
    try:
        service.change_password(
            current_app._get_current_object(), db.session(), user, form.current.data, form.new.data,
            service.hasher(current_app.config["ARGON2_MEMORY_KIB"]),
        )
    except service.WrongPassword as exc:
        form.current.errors = [str(exc)]
        return _password_page(form, 401)
    except service.AuthError as exc:
        form.new.errors = [str(exc)]
        return _password_page(form, 400)
    # Signing out sends user_logged_out (SIAP locks the workspace: unlock again with the new
    # password); signing back in stores the new session mark in a fresh session.
    logout_user()
    session.clear()
    signin.sign_in(user)
    flash(_("Kata sandi telah diubah. Sesi di perangkat lain telah diakhiri."), "success")
    return redirect(_home(user), 303)


def _password_page(form: PasswordForm, status: int):
    page = render_template("auth/password.html", form=form, min_password=service.MIN_PASSWORD)
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/keluar")
@access(PUBLIC)
def logout():
    """Sign out: end every session of the account, on every browser, and forget this one."""
    if current_user.is_authenticated:
        signin.sign_out_everywhere(current_user.id)
        logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "success")
    return redirect(url_for("catalog.home"), 303)
