"""The request side of signing in and out: session tokens, the login throttle and the device cookie.

The rules live in ``sessions`` and ``throttle``; this module reads what they need from the
request, the settings and the clock, so the views stay a few lines each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Response, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_user, user_logged_out

from portal.auth import sessions, throttle
from portal.auth.service import AuthError, normalise_email
from portal.core.clock import now
from portal.extensions import db, limiter


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["IDLE_TIMEOUT_MINUTES"]), timedelta(hours=config["SESSION_MAX_HOURS"])


def sign_in(user) -> None:
    """Sign ``user`` in on this browser with a new server-side session (call on a cleared session)."""
    login_user(user)
    idle, lifetime = _limits()
    session[sessions.COOKIE_KEY] = sessions.start(db.session(), user.id, now(), idle, lifetime)


def sign_out_everywhere(user_id: int) -> None:
    """End every session of the account, this browser's and all others."""
    sessions.end_all(db.session(), user_id)
    db.session.commit()


def session_is_live(user) -> bool:
    """Tell whether this request's session token names a live session of ``user`` (the user loader asks).

    A session that just ran out is signed out properly: receivers of ``user_logged_out`` run
    (SIAP locks its workspace), the cookie session is cleared, and the next page says why.
    """
    idle, lifetime = _limits()
    state = sessions.resume(db.session(), session.get(sessions.COOKIE_KEY), user.id, now(), idle, lifetime)
    if state is sessions.State.LIVE:
        return True
    session.clear()
    session["_remember"] = "clear"  # Flask-Login then ignores and deletes any remember-me cookie
    if state is not sessions.State.MISSING:
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's app, as signals expect
        user_logged_out.send(app, user=user)
        message = (
            _("Sesi Anda berakhir karena tidak aktif. Silakan masuk kembali.")
            if state is sessions.State.IDLE
            else _("Sesi Anda telah mencapai batas waktu. Silakan masuk kembali.")
        )
        session["_flashes"] = [("error", message)]
    return False


def _policy() -> throttle.Policy:
    config = current_app.config
    return throttle.Policy(
        free=config["LOGIN_FREE_FAILURES"], first=config["LOGIN_DELAY_SECONDS"], cap=config["LOGIN_DELAY_MAX_SECONDS"]
    )


def _device_max_age() -> int:
    return int(current_app.config["TRUSTED_DEVICE_DAYS"] * 86400)


@dataclass
class Attempt:
    """One sign-in attempt: which count it adds to (the account's, or this trusted browser's)."""

    account: str
    devices: list[list[str]]
    nonce: str | None

    @classmethod
    def for_address(cls, email: str) -> Attempt:
        """Prepare the attempt for an address as typed (normalised as sign-in normalises it)."""
        try:
            address = normalise_email(email)
        except AuthError:
            address = email.strip().lower()  # matches no account, but is counted like one
        secret = current_app.config["SECRET_KEY"]
        account = throttle.account_key(secret, address)
        devices = throttle.read_devices(secret, request.cookies.get(throttle.DEVICE_COOKIE), _device_max_age())
        return cls(account, devices, throttle.device_nonce(devices, account))

    @property
    def key(self) -> str:
        """The throttle key this attempt counts against."""
        if self.nonce is None:
            return self.account
        return throttle.device_key(current_app.config["SECRET_KEY"], self.nonce)

    def claim(self) -> int:
        """Count this attempt before its password is checked; return the wait instead if one runs (0: go)."""
        return throttle.claim(db.session(), self.key, now(), _policy())

    def succeeded(self, response: Response) -> None:
        """Clear the count and trust this browser for the account from now on."""
        throttle.forget(db.session(), self.key, now())
        value = throttle.remember_device(current_app.config["SECRET_KEY"], self.devices, self.account)
        secure = request.is_secure or current_app.config.get("PREFERRED_URL_SCHEME") == "https"
        response.set_cookie(
            throttle.DEVICE_COOKIE,
            value,
            max_age=_device_max_age(),
            path=request.path,
            httponly=True,
            secure=secure,
            samesite="Strict",
        )


def too_many(form, wait: int):
    """Answer 429 with Retry-After and a message saying how long to wait; the address stays in the form."""
    if wait < 60:
        span = ngettext("%(num)d detik", "%(num)d detik", wait)
    else:
        span = ngettext("%(num)d menit", "%(num)d menit", -(-wait // 60))
    message = _(
        "Terlalu banyak percobaan masuk yang gagal untuk akun ini. Demi keamanan, coba lagi dalam %(span)s. "
        "Dari peramban yang pernah Anda pakai untuk masuk ke akun ini, Anda dapat masuk tanpa menunggu.",
        span=span,
    )
    response = current_app.make_response((render_template("auth/login.html", form=form, wait_message=message), 429))
    response.headers["Retry-After"] = str(wait)
    # Flask-Limiter would raise Retry-After to the end of the per-address window (10 minutes),
    # a limit this request has not reached: it adds no headers when no limit is current.
    limiter.context.view_rate_limit = None
    return response
