"""Announcements and the calendar (/staf/kalender): closures and extra working days, for leads and administrators.

A closure or an extra working day moves the due time of every ticket received around it, in
every unit, so agents do not change the calendar; unit leads and administrators do. The rules
are those of ``portal.notices.service`` (also behind ``flask kalender`` and ``flask pengumuman``);
after each change the cached calendar and the cached public pages are dropped.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.access import access
from portal.core.clock import today
from portal.core.desk import get_calendar
from portal.core.i18n import desk_language
from portal.core.numbers import to_int
from portal.extensions import db
from portal.notices import service as notices
from portal.staff.forms import AnnouncementForm, DeleteForm, OverrideForm
from portal.staff.manage_views import LEADS


def _today():
    return today(get_calendar().tz)


def _changed() -> None:
    # This process's calendar and every cached page showing the desk status or announcements.
    notices.publish_change()


def _page(announcement_form=None, override_form=None, status=200):
    today = _today()
    page = render_template(
        "staff/calendar.html",
        announcements=notices.announcements_from(db.session(), today),
        overrides=notices.upcoming_overrides(db.session(), today, limit=100),
        announcement_form=announcement_form or AnnouncementForm(prefix="an"),
        override_form=override_form or OverrideForm(prefix="hr", data={"kind": "tutup"}),
        delete_form=DeleteForm(),
        calendar=get_calendar(),
    )
    return page, status


@access(LEADS)
def calendar():
    """Coming closures and extra working days, current and coming announcements, forms to change them."""
    return _page()


@access(LEADS)
def announcement_add():
    """Publish an announcement on the home page."""
    form = AnnouncementForm(prefix="an")
    if not form.validate():
        return _page(announcement_form=form, status=422)
    try:
        notices.add_announcement(
            db.session(),
            form.title.data,
            form.body.data or "",
            form.starts_on.data,
            form.ends_on.data,
            actor_id=current_user.id,
        )
    except notices.NoticeError as exc:
        form.ends_on.errors = [str(exc)]
        return _page(announcement_form=form, status=422)
    _changed()
    flash(_("Pengumuman diterbitkan."), "success")
    return redirect(url_for("staff.calendar"), 303)


@access(LEADS)
def announcement_remove():
    """Take an announcement down."""
    form = DeleteForm()
    announcement_id = to_int(form.item_id.data) if form.validate() else None
    if announcement_id is None:
        abort(400)
    if notices.remove_announcement(db.session(), announcement_id, actor_id=current_user.id):
        _changed()
        flash(_("Pengumuman dihapus."), "success")
    return redirect(url_for("staff.calendar"), 303)


@access(LEADS)
def override_set():
    """Close the desk on a day, or open it on a day off; optionally announce it until that day."""
    form = OverrideForm(prefix="hr")
    if not form.validate():
        return _page(override_form=form, status=422)
    day, is_open = form.day.data, form.kind.data == "buka"
    try:
        notices.set_override(db.session(), day, is_open, form.reason.data, actor_id=current_user.id)
        if form.announce.data:
            with desk_language():  # a public announcement: the desk's language, as staff write them
                shown = f"{day:%d-%m-%Y}"
                title = _("Layanan buka %(d)s", d=shown) if is_open else _("Layanan tutup %(d)s", d=shown)
            notices.add_announcement(
                db.session(), title, form.reason.data, min(_today(), day), day, actor_id=current_user.id
            )
    except notices.NoticeError as exc:
        form.reason.errors = [str(exc)]
        return _page(override_form=form, status=422)
    _changed()
    flash(_("Kalender layanan diperbarui."), "success")
    return redirect(url_for("staff.calendar"), 303)


@access(LEADS)
def override_remove():
    """Remove the closure or extra working day of a date (given as YYYY-MM-DD)."""
    form = DeleteForm()
    if not form.validate():
        abort(400)
    try:
        day = date.fromisoformat(form.item_id.data)
    except ValueError:
        abort(400)
    if notices.remove_override(db.session(), day, actor_id=current_user.id):
        _changed()
        shown = f"{day:%d-%m-%Y}"  # outside _(): pybabel's extractor warns on f-strings inside it
        flash(_("Pengaturan tanggal %(d)s dihapus.", d=shown), "success")
    return redirect(url_for("staff.calendar"), 303)
