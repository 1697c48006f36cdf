"""The access levels accounts define: any staff member, any signed-in account."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

STAFF = "staf"  # agents, unit leads, administrators
SIGNED_IN = "masuk"  # any signed-in account (staff or internal requester)


def _to_login() -> ResponseReturnValue:
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")), 303)


def require_staff() -> ResponseReturnValue | None:
    """Let staff through; send the anonymous to sign-in; hide the route from others."""
    if not current_user.is_authenticated:
        return _to_login()
    if not current_user.is_staff:
        abort(404)
    return None


def require_signed_in() -> ResponseReturnValue | None:
    """Let any signed-in account through; send the anonymous to sign-in."""
    return None if current_user.is_authenticated else _to_login()
