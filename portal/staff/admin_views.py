"""Accounts for administrators (/staf/admin/pengguna): list, create, reset a password, deactivate.

Only the administrator role gets these pages (everyone else a 404). Administrators manage
accounts and units; they still read no ticket outside their own units (``can_see``). A new
account's password, and a reset one, is generated, shown once in the answer to the POST and
stored nowhere in clear: no redirect here, because carrying it to a GET would put it in the
session cookie.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.auth import service as accounts
from portal.auth.models import ROLE_ADMIN, ROLE_AGENT, ROLE_LEAD, ROLE_REQUESTER
from portal.catalog.service import get_catalog
from portal.core.access import access
from portal.core.numbers import to_int
from portal.extensions import db
from portal.staff import service
from portal.staff.forms import AccountForm, ActiveForm
from portal.staff.manage_views import ADMINS

INTERNAL_USER_TYPES = (2, 3, 8, 9)


def role_labels() -> dict[str, str]:
    """The roles with their names in the interface."""
    return {
        ROLE_AGENT: _("Agen"),
        ROLE_LEAD: _("Ketua unit"),
        ROLE_ADMIN: _("Administrator"),
        ROLE_REQUESTER: _("Pengguna internal"),
    }


def _form(blank: bool = False) -> AccountForm:
    catalog = get_catalog()
    form = AccountForm(prefix="akun", formdata=None) if blank else AccountForm(prefix="akun")
    form.role.choices = [SelectChoice("", _("— Pilih peran —"))] + [
        SelectChoice(k, v) for k, v in role_labels().items()
    ]
    form.units.choices = [SelectChoice(u, u) for u in accounts.owner_units(catalog)]
    names = {u.id: u.name for u in catalog.user_types}  # the catalog numbers them 1..n
    form.user_type.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(i), f"{i}. {names[i]}") for i in INTERNAL_USER_TYPES
    ]
    return form


def _page(form: AccountForm, status: int = 200, created=None, password: str | None = None, reset=None):
    response = current_app.make_response(
        (
            render_template(
                "staff/users.html",
                users=service.accounts(db.session()),
                form=form,
                active_form=ActiveForm(),
                roles=role_labels(),
                created=created,
                reset=reset,
                password=password,
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the page may carry a new password
    return response


@access(ADMINS)
def users():
    """Every account with its role, units and state; the form to create one."""
    return _page(_form())


@access(ADMINS)
def user_create():
    """Create an account with a random password, shown once on the answer page."""
    form = _form()
    if not form.validate():
        return _page(form, 422)
    password = accounts.generate_password()
    try:
        user = accounts.create_user(
            db.session(),
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            password=password,
            units=list(form.units.data or []),
            known_units=accounts.owner_units(get_catalog()),
            user_type=to_int(form.user_type.data),
            ph=accounts.hasher(current_app.config["ARGON2_MEMORY_KIB"]),
        )
    except accounts.AuthError as exc:
        db.session.rollback()
        form.email.errors = [*form.email.errors, str(exc)]
        return _page(form, 422)
    return _page(_form(blank=True), 200, created=user, password=password)


@access(ADMINS)
def user_reset():
    """Give an account a new random password, shown once; its sessions end and its owner is told."""
    form = ActiveForm()
    user_id = to_int(form.user_id.data) if form.validate() else None
    if user_id is None:
        abort(400)
    try:
        user, password = service.reset_password(
            db.session(), current_user, user_id, accounts.hasher(current_app.config["ARGON2_MEMORY_KIB"])
        )
    except service.StaffError as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff.users"), 303)
    return _page(_form(blank=True), 200, reset=user, password=password)


@access(ADMINS)
def user_active():
    """Deactivate an account (it is signed out at its next request) or activate it again."""
    form = ActiveForm()
    user_id = to_int(form.user_id.data) if form.validate() else None
    if user_id is None or form.active.data not in ("0", "1"):
        abort(400)
    try:
        user = service.set_active(db.session(), current_user, user_id, form.active.data == "1")
    except service.StaffError as exc:
        flash(str(exc), "error")
    else:
        message = (
            _("Akun %(e)s diaktifkan.", e=user.email) if user.active else _("Akun %(e)s dinonaktifkan.", e=user.email)
        )
        flash(message, "success")
    return redirect(url_for("staff.users"), 303)
