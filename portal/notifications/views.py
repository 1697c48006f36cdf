"""The "Pemberitahuan" page under /staf: the member's notifications and how each kind is mailed."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.clock import now
from portal.extensions import db
from portal.notifications import service
from portal.notifications.forms import PreferenceForm, ReadForm


def _page(form: PreferenceForm | None = None, status: int = 200):
    session = db.session()
    if form is None:
        modes = service.preferences(session, current_user.id)
        form = PreferenceForm(data={kind.replace("-", "_"): mode for kind, mode in modes.items()})
    items = service.recent(session, current_user.id)
    return render_template("notifications/list.html", items=items, form=form, read_form=ReadForm()), status


def index():
    """List the member's notifications, newest first, unread ones marked."""
    return _page()


def read():
    """Mark all read."""
    if ReadForm().validate_on_submit():
        service.mark_read(db.session(), current_user.id, now())
    return redirect(url_for("notifications.index"), 303)


def preferences():
    """Store "segera" or the daily digest per kind."""
    form = PreferenceForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    modes = {"tiket-baru": form.tiket_baru.data, "balasan": form.balasan.data, "ditugaskan": form.ditugaskan.data}
    service.set_preferences(db.session(), current_user.id, modes)
    flash(_("Pilihan pemberitahuan disimpan."), "success")
    return redirect(url_for("notifications.index"), 303)
