"""Requests received through another channel of section B.1, registered by staff (/staf/tiket/baru).

A call to 14090, an e-mail, a WhatsApp message, HAI CSO, the web chat or social media: staff
choose the code and the request type, fill in the same form a requester would (built from the
same request-type data), and record the channel. The requester then gets the same confirmation
e-mail and private status link as after a portal request. Complaints (WBSM.01) are not offered:
they go to SIAP.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.catalog.models import Catalog, Service, Subscope
from portal.catalog.service import get_catalog
from portal.staff import service as staff_rules
from portal.staff.dashboard import EXCLUDED_CODES
from portal.staff.forms import register_form
from portal.tickets import attachments, idempotency
from portal.tickets import service as tickets
from portal.tickets.models import Ticket
from portal.tickets.submit import checked_uploads, create_once
from portal.tickets.types import request_types, types_for

PORTAL_CHANNEL = "portal"  # the portal itself is not "another channel"
# Keys of this form are kept apart from the public form's: a staff key never replays a requester's ticket.
KEY_SCOPE = "staff-form"


def registrable_codes(catalog: Catalog) -> list:
    """Services and sub-scopes a request can be registered for (not complaints, not a bare BCSM.04)."""
    nodes: list[Service | Subscope] = []
    for service in catalog.services:
        if service.code in EXCLUDED_CODES:
            continue
        if not tickets.needs_subscope(catalog, service.code):
            nodes.append(service)
        nodes.extend(service.subscopes)
    return nodes


def other_channels(catalog: Catalog) -> tuple:
    """The channels of section B.1 other than the portal."""
    return tuple(c for c in catalog.channels if c.key != PORTAL_CHANNEL)


def register():
    """Choose a code, then a request type, then fill in the request on the requester's behalf."""
    catalog = get_catalog()
    codes = registrable_codes(catalog)
    node = next((n for n in codes if n.code == request.args.get("kode")), None)
    if node is None:
        return render_template("staff/register.html", step="kode", codes=codes, node=None)
    types = types_for(request_types(), node.code)
    rtype = next((t for t in types if t.key == request.args.get("jenis")), None)
    if rtype is None:
        return render_template("staff/register.html", step="jenis", codes=codes, node=node, types=types)
    form = register_form(rtype, catalog.user_types, other_channels(catalog))()
    # The one-time submission key, as on the public form: a double click, a refresh or Back +
    # "Simpan" of the same request finds the first ticket instead of recording a second one.
    key = idempotency.clean_key(request.form.get(idempotency.FORM_FIELD)) or idempotency.browser_form_key(
        session, request.path
    )
    context = {"step": "isian", "codes": codes, "node": node, "rtype": rtype, "form": form, "submission_key": key}
    if request.method == "GET" or not form.validate():
        return render_template("staff/register.html", **context), 200 if request.method == "GET" else 422
    created, error = _create(node, rtype, form, key)
    if created is None:
        return render_template("staff/register.html", error=error, **context), 422
    flash(
        _("Tiket %(ref)s dicatat; konfirmasi dan tautan pribadi dikirim ke pemohon.", ref=created.reference), "success"
    )
    if staff_rules.can_see(current_user, created):
        return redirect(url_for("staff.ticket", reference=created.reference), 303)
    flash(_("Tiket ini ditangani unit lain, sehingga tidak muncul di antrian Anda."), "success")
    return redirect(url_for("staff.queue"), 303)


def _create(node, rtype, form, key: str) -> tuple[Ticket | None, str | None]:
    """Store the ticket and send the confirmation once per key; return it, or None and the error message."""
    try:
        created = create_once(
            form,
            rtype,
            node.code,
            uploads=checked_uploads(),
            channel=form.kanal.data,
            key=key,
            scope=KEY_SCOPE,
            per_content=True,
            actor_id=current_user.id,
            on_create=staff_rules.audit_registered(current_user.id),
        ).created
    except (attachments.AttachmentError, tickets.TicketError) as exc:
        return None, str(exc)
    return created.ticket, None
