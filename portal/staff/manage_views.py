"""Pages staff maintain: canned replies per service (/staf/balasan) and knowledge feedback (/staf/umpan-balik).

Also the two access levels narrower than the blueprint's "staf": ``LEADS`` (unit leads and
administrators, for settings that move every unit's due times) and ``ADMINS`` (accounts).
Anyone else gets the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.auth.levels import require_staff
from portal.auth.models import ROLE_ADMIN, ROLE_LEAD
from portal.catalog.service import get_catalog
from portal.core.access import register_level
from portal.core.clock import now, today
from portal.core.desk import get_calendar
from portal.core.numbers import to_int
from portal.extensions import db
from portal.kb import service as kb
from portal.staff import manage, service
from portal.staff.dashboard import services_of
from portal.staff.forms import CannedReplyForm, DeleteForm

LEADS = "staf-ketua"
ADMINS = "staf-admin"
FEEDBACK_DAYS = 90


def _require_role(*roles: str):
    def check():
        refused = require_staff()
        if refused is not None:
            return refused
        if current_user.role not in roles:
            abort(404)
        return None

    return check


def register_levels(app: Flask) -> None:
    """Register the ``LEADS`` and ``ADMINS`` access levels."""
    register_level(app, LEADS, _require_role(ROLE_LEAD, ROLE_ADMIN))
    register_level(app, ADMINS, _require_role(ROLE_ADMIN))


def _my_services() -> list:
    return services_of(get_catalog(), current_user.unit_names)


def _canned_form(services: list, reply=None) -> CannedReplyForm:
    form = CannedReplyForm()
    form.service.choices = [SelectChoice("", _("— Pilih layanan —"))] + [
        SelectChoice(s.code, f"{s.code} {s.name}") for s in services
    ]
    if reply is not None and request.method == "GET":
        form.reply_id.data, form.service.data = str(reply.id), reply.service_code
        form.title.data, form.body.data = reply.title, reply.body
    return form


def canned():
    """The canned replies of the services of the staff member's units; a form to add or change one."""
    services = _my_services()
    replies = manage.canned_for(db.session(), [s.code for s in services])
    editing = next((r for r in replies if str(r.id) == request.args.get("ubah")), None)
    return render_template(
        "staff/canned.html",
        services=services,
        replies=replies,
        form=_canned_form(services, editing),
        editing=editing,
        delete_form=DeleteForm(),
    )


def canned_save():
    """Create or change a canned reply."""
    services = _my_services()
    form = _canned_form(services)
    if form.validate():
        try:
            manage.save_canned(
                db.session(),
                reply_id=to_int(form.reply_id.data),
                service_code=form.service.data,
                title=form.title.data,
                body=form.body.data,
                codes=[s.code for s in services],
                now=now(),
                actor_id=current_user.id,
            )
        except service.StaffError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Balasan siap pakai disimpan."), "success")
            return redirect(url_for("staff.canned"), 303)
    replies = manage.canned_for(db.session(), [s.code for s in services])
    page = render_template(
        "staff/canned.html", services=services, replies=replies, form=form, editing=None, delete_form=DeleteForm()
    )
    return page, 422


def canned_delete():
    """Delete a canned reply."""
    form = DeleteForm()
    reply_id = to_int(form.item_id.data) if form.validate() else None
    if reply_id is None:
        abort(400)
    try:
        manage.delete_canned(db.session(), reply_id, [s.code for s in _my_services()], actor_id=current_user.id)
    except service.StaffError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Balasan siap pakai dihapus."), "success")
    return redirect(url_for("staff.canned"), 303)


def knowledge():
    """Searches that found nothing and articles readers marked unhelpful, over the last 90 days."""
    since = today(get_calendar().tz) - timedelta(days=FEEDBACK_DAYS)
    articles = current_app.extensions["kb"].by_slug
    return render_template(
        "staff/knowledge.html",
        days=FEEDBACK_DAYS,
        misses=kb.search_misses(db.session(), since),
        feedback=[(articles.get(slug), slug, no, yes) for slug, no, yes in kb.article_feedback(db.session(), since)],
        missing=[(articles.get(slug), slug, text, n) for slug, text, n in kb.missing_notes(db.session(), since)],
    )
