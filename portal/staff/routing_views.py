"""Routing actions of the ticket page: transfer, merge, link, forward to a linked unit.

Each answers 404 for a ticket the account may not open (like every ticket route), re-renders the
page with what was typed (422) when refused, and redirects to the ticket after success.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.catalog.service import get_catalog
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.numbers import to_int
from portal.extensions import db
from portal.staff import service
from portal.staff.views import _forms, _ticket_or_404, refused_page
from portal.tickets import forwarding, routing


def _refused(reference: str, forms: dict, message: str, section: str):
    db.session.rollback()
    return refused_page(_ticket_or_404(reference), forms, section, message)


def _back(reference: str, message: str, anchor: str = "#isi"):
    # Always a fragment: without one the browser keeps the form's own ("#pindah") after the redirect.
    flash(message, "success")
    return redirect(url_for("staff.ticket", reference=reference) + anchor, 303)


def _routable(reference: str):
    t = _ticket_or_404(reference)
    if not routing.may_route(current_user, t):
        abort(404)
    return t, _forms(t)


def _other(reference: str):
    """The other ticket of a merge or link: one this account may open, else None."""
    return service.load_ticket(db.session(), current_user, (reference or "").strip())


def _local(moment: datetime | None) -> datetime | None:
    """A ``datetime-local`` value (naive, WIB) as an aware moment."""
    return None if moment is None else moment.replace(tzinfo=get_calendar().tz)


def transfer(reference: str):
    """Move the ticket to another code and its unit's queue, with a reason."""
    t, forms = _routable(reference)
    form = forms["transfer_form"]
    if not form.validate():
        return _refused(reference, forms, _("Pilih kode tujuan dan tulis alasannya."), "pindah")
    try:
        routing.recategorise(
            db.session(), t, code=form.code.data, actor_id=current_user.id, reason=form.reason.data, now=now()
        )
    except routing.RoutingError as exc:
        return _refused(reference, forms, str(exc), "pindah")
    if not service.can_see(current_user, t):
        flash(_("Tiket %(ref)s dipindahkan ke %(unit)s.", ref=t.reference, unit=t.owner_unit), "success")
        return redirect(url_for("staff.queue"), 303)
    return _back(t.reference, _("Tiket dipindahkan ke %(code)s (%(unit)s).", code=t.code, unit=t.owner_unit))


def merge(reference: str):
    """Merge this ticket (the duplicate) into the survivor named by its reference."""
    t, forms = _routable(reference)
    form = forms["merge_form"]
    survivor = _other(form.reference.data) if form.validate() else None
    if survivor is None:
        return _refused(reference, forms, _("Tiket tujuan tidak ditemukan."), "gabung")
    try:
        routing.merge(db.session(), t, survivor, actor_id=current_user.id, now=now())
    except routing.RoutingError as exc:
        return _refused(reference, forms, str(exc), "gabung")
    return _back(survivor.reference, _("Tiket %(ref)s digabungkan ke tiket ini.", ref=reference.upper()))


def link(reference: str):
    """Relate this ticket to another; both pages show the link."""
    t, forms = _routable(reference)
    form = forms["link_form"]
    other = _other(form.reference.data) if form.validate() else None
    if other is None:
        return _refused(reference, forms, _("Tiket yang akan ditautkan tidak ditemukan."), "tautkan")
    try:
        added = routing.link(db.session(), t, other, actor_id=current_user.id, now=now())
    except routing.RoutingError as exc:
        return _refused(reference, forms, str(exc), "tautkan")
    message = _("Tiket ditautkan dengan %(ref)s.", ref=other.reference) if added else _("Tautan sudah ada.")
    return _back(t.reference, message, "#terkait")


def forward(reference: str):
    """Record a forward to a linked unit of section F; the ticket becomes "Diteruskan"."""
    t = _ticket_or_404(reference)
    forms = _forms(t)
    form = forms["forward_form"]
    if not form.validate():
        return _refused(reference, forms, _("Lengkapi data penerusan."), "penerusan")
    try:
        forwarding.forward(
            db.session(),
            t,
            catalog=get_catalog(),
            unit=form.unit.data,
            channel=form.channel.data,
            sent_at=_local(form.sent_at.data) or now(),
            their_reference=form.their_reference.data or "",
            actor_id=current_user.id,
            now=now(),
        )
    except forwarding.ForwardError as exc:
        return _refused(reference, forms, str(exc), "penerusan")
    return _back(t.reference, _("Penerusan ke %(unit)s dicatat.", unit=form.unit.data), "#penerusan")


def forward_update(reference: str):
    """Record the linked unit's reference, acknowledgement or answer."""
    t = _ticket_or_404(reference)
    forms = _forms(t)
    form = forms["forward_update_form"]
    forward_id = to_int(form.forward_id.data or "", 1, 2**31 - 1)
    if not form.validate() or forward_id is None:
        return _refused(reference, forms, _("Data penerusan tidak valid."), "penerusan")
    try:
        forwarding.update_forward(
            db.session(),
            t,
            forward_id,
            their_reference=form.their_reference.data or "",
            acknowledged_at=_local(form.acknowledged_at.data),
            answer=form.answer.data or "",
            actor_id=current_user.id,
            calendar=get_calendar(),
            now=now(),
        )
    except forwarding.ForwardError as exc:
        return _refused(reference, forms, str(exc), "penerusan")
    return _back(t.reference, _("Penerusan diperbarui."), "#penerusan")
