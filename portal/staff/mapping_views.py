"""The sub-scope → unit mapping for administrators (/staf/admin/pemetaan).

A portal mapping, labelled as such on the page: the catalog names "Direktorat Teknis DJPb" and
"Direktorat terkait"; administrators name the directorate whose queue answers each code. Every
change is a new version with its actor and time; new tickets of a code follow the version in force.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.auth import service as accounts
from portal.catalog.service import get_catalog
from portal.core.access import access
from portal.core.clock import now
from portal.extensions import db
from portal.staff import manage
from portal.staff.forms import MappingForm
from portal.staff.manage_views import ADMINS
from portal.tickets import unitmap


def _form() -> MappingForm:
    catalog = get_catalog()
    form = MappingForm(prefix="pt")
    form.code.choices = [SelectChoice("", _("— Pilih kode —"))] + [
        SelectChoice(n.code, f"{n.code} {n.name}") for n in unitmap.mappable_codes(catalog)
    ]
    return form


def _page(form: MappingForm, status: int = 200):
    catalog = get_catalog()
    session = db.session()
    names = {u.id: u.name for u in manage.accounts(session)}
    nodes = unitmap.mappable_codes(catalog)
    page = render_template(
        "staff/mapping.html",
        form=form,
        nodes=nodes,
        owners={n.code: getattr(catalog.service_of(n.code), "owner", "") for n in nodes},
        current=unitmap.current(session),
        history=unitmap.history(session),
        names=names,
        units=sorted(set(accounts.owner_units(catalog)) | set(unitmap.mapped_units(session))),
    )
    return page, status


@access(ADMINS)
def mapping():
    """The mapping in force per code, the form to change it, and every version."""
    return _page(_form())


@access(ADMINS)
def mapping_save():
    """Add a version of one code's mapping (an empty unit: back to the catalog's owner)."""
    form = _form()
    if not form.validate():
        flash(_("Pilih kode; nama unit paling banyak 80 karakter."), "error")
        return _page(form, 422)
    try:
        row = unitmap.set_mapping(
            db.session(),
            get_catalog(),
            code=form.code.data,
            unit=form.unit.data or "",
            actor_id=current_user.id,
            now=now(),
        )
    except unitmap.MappingError as exc:
        flash(str(exc), "error")
        return _page(form, 422)
    if row is None:
        flash(_("Tidak ada perubahan."), "success")
    elif row.unit:
        flash(
            _("%(code)s kini diarahkan ke %(unit)s (versi %(v)s).", code=row.code, unit=row.unit, v=row.version),
            "success",
        )
    else:
        flash(_("%(code)s kembali ke pemilik menurut katalog (versi %(v)s).", code=row.code, v=row.version), "success")
    return redirect(url_for("staff.mapping"), 303)
