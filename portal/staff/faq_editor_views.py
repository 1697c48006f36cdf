"""Administrators appoint and dismiss "editor FAQ" per unit (/staf/admin/editor-faq).

Editors publish (and archive) the articles of their unit's codes besides its leads; the rule
lives in ``portal.faq.service.can_publish``. Each change is audited by ``portal.faq.editors``.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.auth.models import ROLE_ADMIN
from portal.core.access import access
from portal.core.numbers import to_int
from portal.extensions import db
from portal.faq import editors
from portal.staff import manage
from portal.staff.admin_views import known_units
from portal.staff.forms import ActiveForm, FaqEditorForm
from portal.staff.manage_views import ADMINS


def _form() -> FaqEditorForm:
    form = FaqEditorForm(prefix="ed")
    staff = [u for u in manage.accounts(db.session()) if u.active and u.is_staff and u.role != ROLE_ADMIN]
    form.user_id.choices = [SelectChoice("", _("— Pilih staf —"))] + [
        SelectChoice(str(u.id), f"{u.name} <{u.email}> · {', '.join(u.unit_names)}") for u in staff
    ]
    form.unit.choices = [SelectChoice("", _("— Pilih unit —"))] + [SelectChoice(u, u) for u in known_units()]
    return form


def _page(form: FaqEditorForm, status: int = 200):
    rows = editors.appointments(db.session())
    return render_template("staff/faq_editors.html", rows=rows, form=form, remove_form=ActiveForm()), status


@access(ADMINS)
def faq_editors():
    """Every appointed FAQ editor by unit, and the form to appoint one."""
    return _page(_form())


@access(ADMINS)
def faq_editor_appoint():
    """Appoint a staff member FAQ editor of one of their units."""
    form = _form()
    if not form.validate():
        return _page(form, 422)
    try:
        editors.appoint(db.session(), int(form.user_id.data), form.unit.data, current_user)
    except editors.EditorError as exc:
        db.session.rollback()
        form.unit.errors = [*form.unit.errors, str(exc)]
        return _page(form, 422)
    db.session.commit()
    flash(_("Editor FAQ ditunjuk."), "success")
    return redirect(url_for("staff.faq_editors"), 303)


@access(ADMINS)
def faq_editor_dismiss():
    """Take the role back from one appointment (``user_id`` carries the appointment's id)."""
    form = ActiveForm()
    appointment = to_int(form.user_id.data, 1, 2**31 - 1) if form.validate() else None
    if appointment is None:
        flash(_("Penunjukan tidak valid."), "error")
        return redirect(url_for("staff.faq_editors"), 303)
    try:
        editors.dismiss(db.session(), appointment, current_user)
    except editors.EditorError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Penunjukan editor FAQ dicabut."), "success")
    return redirect(url_for("staff.faq_editors"), 303)
