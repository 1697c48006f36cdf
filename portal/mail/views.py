"""Back-office pages of incoming mail: the triage queue, held replies, the quarantine (administrators)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.catalog.models import Catalog
from portal.catalog.service import get_catalog
from portal.core.access import access
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.numbers import to_int
from portal.extensions import db
from portal.mail import backoffice, inbound
from portal.mail.forms import MessageActionForm, TriageForm
from portal.tickets import service as tickets
from portal.tickets import triage
from portal.tickets.service import Ticket
from portal.tickets.types import request_types, types_for

ADMINS = "staf-admin"  # the administrators' level, registered by the back office (portal.staff)


def _context() -> backoffice.Context:
    catalog = get_catalog()
    return backoffice.Context(inbound.Settings.of(current_app), get_calendar(), catalog.version, now())


def _codes(catalog: Catalog) -> list[SelectChoice]:
    choices = [SelectChoice("", _("— Pilih kode layanan —"))]
    for service in catalog.services:
        if service.code in tickets.SEGREGATED:
            continue  # complaints go to SIAP, never to a ticket
        nodes = list(service.subscopes) if tickets.needs_subscope(catalog, service.code) else [service]
        choices += [SelectChoice(n.code, f"{n.code} {n.name}") for n in nodes]
    return choices


def _triage_form(catalog: Catalog) -> TriageForm:
    form = TriageForm(prefix="tr")
    form.code.choices = _codes(catalog)
    form.request_type.choices = [SelectChoice("", _("— Pilih jenis permintaan —"))] + [
        SelectChoice(t.key, t.name) for t in request_types()
    ]
    form.user_type.choices = [SelectChoice("", _("— Pilih jenis pengguna —"))] + [
        SelectChoice(str(u.id), f"{u.id}. {u.name}") for u in catalog.user_types
    ]
    if not form.is_submitted():
        # The general type fits every code (B.2 h); the WhatsApp ones only theirs, and a mail
        # is rarely one of them, so it is where most triage starts.
        general = next((t.key for t in request_types() if "*" in t.codes), "")
        form.request_type.data = general
    return form


def triage_queue() -> ResponseReturnValue:
    """Tickets from mail that still wait for a catalog code, oldest first."""
    rows = triage.triage_queue(db.session())
    return render_template("mail/triage.html", tickets=rows, now=now())


def _triage_or_404(reference: str) -> Ticket:
    ticket = tickets.find(db.session(), reference, with_thread=True)
    if ticket is None or not triage.in_triage(ticket):
        abort(404)
    return ticket


def _triage_page(ticket: Ticket, form: TriageForm, status: int = 200) -> ResponseReturnValue:
    catalog = get_catalog()
    # The code the requester chose on their channel comes first, and is preselected; otherwise
    # the FAQ search suggests one. Neither is applied: staff check it and press the button.
    named = triage.named_code(db.session(), ticket)
    offered = {choice.value for choice in form.code.choices or []}
    if named in offered:
        suggestion, chosen = named, True
        if not form.is_submitted():
            form.code.data = named
    else:
        suggestion, chosen = backoffice.suggested_code(current_app.extensions["search"], ticket), False
    node = catalog.get(suggestion) if suggestion else None
    page = render_template(
        "mail/triage_ticket.html", ticket=ticket, form=form, suggestion=suggestion, suggestion_node=node,
        chosen_by_requester=chosen,
    )  # fmt: skip
    return page, status


def triage_ticket(reference: str) -> ResponseReturnValue:
    """One ticket in triage: what the mail said, a suggested code (shown only), the form to set it."""
    ticket = _triage_or_404(reference)
    return _triage_page(ticket, _triage_form(get_catalog()))


def triage_set_code(reference: str) -> ResponseReturnValue:
    """Set the code staff chose; the due time is recomputed from its norma waktu."""
    ticket = _triage_or_404(reference)
    catalog = get_catalog()
    form = _triage_form(catalog)
    if not form.validate():
        return _triage_page(ticket, form, 422)
    rtype = next((t for t in types_for(request_types(), form.code.data) if t.key == form.request_type.data), None)
    if rtype is None:
        fitting = ", ".join(str(t.name) for t in types_for(request_types(), form.code.data))
        form.request_type.errors = [
            _("Jenis permintaan ini tidak tersedia untuk %(code)s. Yang tersedia: %(types)s.",
              code=form.code.data, types=fitting)
        ]  # fmt: skip
        return _triage_page(ticket, form, 422)
    try:
        triage.set_code(
            db.session(),
            ticket,
            catalog=catalog,
            calendar=get_calendar(),
            code=form.code.data,
            rtype=rtype,
            user_type=to_int(form.user_type.data, 1, 99) or 0,
            actor_id=current_user.id,
            now=now(),
        )
    except tickets.TicketError as exc:
        form.code.errors = [str(exc)]
        return _triage_page(ticket, form, 422)
    flash(_("Kode layanan %(code)s ditetapkan untuk %(ref)s.", code=ticket.code, ref=ticket.reference), "success")
    if ticket.owner_unit in current_user.unit_names:
        return redirect(url_for("staff.ticket", reference=ticket.reference), 303)
    return redirect(url_for("mail.triage_queue"), 303)


def held() -> ResponseReturnValue:
    """Messages that name a ticket of my units but came from another address: accept or reject."""
    rows = backoffice.held_for(db.session(), current_user.unit_names)
    previews = {row.id: backoffice.preview(row) for row, _ticket in rows}
    return render_template("mail/held.html", rows=rows, previews=previews, form=MessageActionForm())


def _action_form() -> tuple[MessageActionForm, int | None]:
    form = MessageActionForm()
    ok = form.validate()
    return form, to_int(form.message_id.data, 1, 2**31 - 1) if ok else None


def held_action() -> ResponseReturnValue:
    """Accept a held message into its ticket's thread, or reject it."""
    form, inbound_id = _action_form()
    if inbound_id is None or form.action.data not in ("terima", "tolak"):
        abort(400)
    try:
        if form.action.data == "terima":
            ticket = backoffice.accept_held(
                db.session(), inbound_id, current_user.id, current_user.unit_names, _context()
            )
            flash(_("Pesan ditambahkan ke tiket %(ref)s.", ref=ticket.reference), "success")
        else:
            backoffice.reject_held(db.session(), inbound_id, current_user.id, current_user.unit_names, now())
            flash(_("Pesan ditolak dan tidak ditambahkan ke percakapan."), "success")
    except backoffice.MailActionError as exc:
        flash(str(exc), "error")
    return redirect(url_for("mail.held"), 303)


@access(ADMINS)
def quarantine() -> ResponseReturnValue:
    """Messages an administrator must look at, with "coba lagi" and "buat tiket"."""
    rows = backoffice.admin_list(db.session())
    previews = {row.id: backoffice.preview(row)[:2000] for row in rows}
    return render_template("mail/quarantine.html", rows=rows, previews=previews, form=MessageActionForm())


@access(ADMINS)
def quarantine_action() -> ResponseReturnValue:
    """Read a quarantined message again, or open a ticket from it."""
    form, inbound_id = _action_form()
    if inbound_id is None or form.action.data not in ("coba-lagi", "buat-tiket"):
        abort(400)
    try:
        if form.action.data == "coba-lagi":
            outcome = backoffice.retry(db.session(), inbound_id, current_user.id, _context())
            flash(
                _("Pesan terbaca: %(status)s %(ref)s", status=outcome.status.label, ref=outcome.reference or ""),
                "success",
            )
        else:
            ticket = backoffice.make_ticket(db.session(), inbound_id, current_user.id, _context())
            flash(_("Tiket %(ref)s dibuat dan masuk antrean triase.", ref=ticket.reference), "success")
    except backoffice.MailActionError as exc:
        flash(str(exc), "error")
    return redirect(url_for("mail.quarantine"), 303)
