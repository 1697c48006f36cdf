"""Back-office pages under /staf: queues and the ticket view with its actions."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.catalog.service import get_catalog
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.filestore import file_store
from portal.core.numbers import to_int
from portal.extensions import db
from portal.staff import faq_views, routing_pages, service
from portal.staff.forms import ApprovalForm, AssignForm, MessageForm, StatusChangeForm
from portal.tickets import notify, triage
from portal.tickets.models import OPEN_STATUSES, Ticket, TicketStatus
from portal.tickets.service import find, renew_token
from portal.tickets.workflow import FULFILMENTS, TRANSITIONS, WorkflowError, clock


def _filter() -> service.QueueFilter:
    args = request.args
    queue = args.get("antrian", "unit")
    user_type = args.get("pengguna", "")
    page = args.get("halaman", "1")
    return service.QueueFilter(
        queue=queue if queue in service.QUEUES else "unit",
        service=args.get("layanan") or None,
        status=args.get("status") if args.get("status") in set(TicketStatus) else None,
        user_type=to_int(user_type, 1, 11),
        text=(args.get("q") or "")[:200] or None,
        page=to_int(page, 1, 999) or 1,
    )


def queue():
    """The queues of the signed-in staff member's units."""
    f = _filter()
    tickets, more = service.run_queue(db.session(), current_user, f, now(), get_calendar().tz)
    return render_template(
        "staff/queue.html",
        tickets=tickets,
        more=more,
        f=f,
        queues=service.QUEUES,
        statuses=list(TicketStatus),
        catalog=get_catalog(),
        now=now(),
    )


def _ticket_or_404(reference: str) -> Ticket:
    ticket = service.load_ticket(db.session(), current_user, reference)
    if ticket is None:
        abort(404)  # another unit's ticket looks exactly like a missing one
    return ticket


def _forms(ticket: Ticket) -> dict:
    catalog = get_catalog()
    status_form = StatusChangeForm(prefix="st")
    # "Diteruskan" is entered only by recording a forward (its own form), never by a bare status change.
    allowed = [SelectChoice(s, s.label) for s in sorted(TRANSITIONS[ticket.status]) if s != TicketStatus.FORWARDED]
    # A placeholder first: the status changes only when one is chosen, never by a stray submit.
    status_form.status.choices = [SelectChoice("", _("— Pilih status —")), *allowed] if allowed else []
    status_form.fulfilment.choices = [SelectChoice("", "—")] + [SelectChoice(k, v) for k, v in FULFILMENTS.items()]
    units = [u.name for u in catalog.linked_units_for(ticket.code)]
    status_form.unit.choices = [SelectChoice("", "—")] + [SelectChoice(u, u) for u in units]
    assign_form = AssignForm(prefix="as")
    members = service.unit_members(db.session(), ticket.owner_unit)
    assign_form.assignee.choices = [SelectChoice("", _("— Belum ditugaskan —"))] + [
        SelectChoice(str(m.id), m.name) for m in members
    ]
    if not assign_form.is_submitted():
        # The list shows who holds the ticket now: with the placeholder shown instead, pressing
        # "Tugaskan" unchanged would have taken the ticket from them.
        assign_form.assignee.data = str(ticket.assignee_id) if ticket.assignee_id else ""
    return {
        **routing_pages.routing_forms(catalog, ticket, now().astimezone(get_calendar().tz)),
        "approval_form": ApprovalForm(prefix="ps"),
        "reply_form": MessageForm(prefix="re"),
        "note_form": MessageForm(prefix="no"),
        "status_form": status_form,
        "assign_form": assign_form,
        "linked_units": units,
    }


def ticket(reference: str):
    """One ticket: data, attachments, thread, internal notes, SLA panel, actions.

    A ticket still in triage (mail without a code) belongs to no unit yet, so no unit's page
    shows it; its address (from a notification, a held reply, a colleague) opens its triage
    page instead, which every staff member may use.
    """
    t = service.load_ticket(db.session(), current_user, reference)
    waiting = find(db.session(), reference) if t is None else t
    if waiting is not None and triage.in_triage(waiting):
        return redirect(url_for("mail.triage_ticket", reference=waiting.reference), 303)
    if t is None:
        abort(404)  # another unit's ticket looks exactly like a missing one
    return _ticket_page(t)


def refused_page(t: Ticket, forms: dict, section: str, message: str):
    """The ticket page again (422) with what was typed, the message above the refused form, and the
    page scrolled there by the form's own fragment."""
    return _ticket_page(t, forms, 422, {"refused": {"section": section, "message": message}})


def _ticket_page(t: Ticket, forms: dict | None = None, status: int = 200, extra: dict | None = None):
    # A refused action renders the page again with the submitted forms: what was typed stays.
    catalog = get_catalog()
    own = catalog.service_of(t.code)
    if own is None:  # tickets are filed under catalog codes; a catalog that dropped one fails here
        raise RuntimeError(f"ticket {t.reference} has a code outside the catalog")
    sla = clock(t, get_calendar(), own.max_hours, now())
    canned = service.canned_replies(db.session(), t.service_code)
    page = render_template(
        "staff/ticket.html",
        ticket=t,
        sla=sla,
        catalog=catalog,
        fulfilments=FULFILMENTS,
        canned=canned,
        actors=service.actor_names(db.session(), t),
        **routing_pages.routing_context(db.session(), current_user, t),
        **faq_views.ticket_context(t),
        **(forms or _forms(t)),
        **({"refused": None} | (extra or {})),
    )
    return page, status


def message(reference: str):
    """A public reply (e-mailed to the requester) or an internal note (never shown to them)."""
    t = _ticket_or_404(reference)
    public = request.form.get("jenis") == "balasan"
    forms = _forms(t)  # bound to the submitted data, like every FlaskForm on a POST
    if public and faq_views.wants_faq_tools():  # "Cari FAQ" / "Sisipkan": show the form again, send nothing
        return _ticket_page(t, forms, 200, faq_views.reply_tools(forms))
    form = forms["reply_form" if public else "note_form"]
    section = "balas" if public else "catatan"
    if not form.validate():
        return refused_page(t, forms, section, _("Pesan kosong atau terlalu panjang."))
    try:
        event = service.add_message(db.session(), t, current_user, form.body.data, public, now())
    except service.StaffError as exc:
        return refused_page(t, forms, section, str(exc))
    flash(_("Balasan dikirim ke pengguna.") if public else _("Catatan internal disimpan."), "success")
    # Back at the message just written, in the thread: the proof it was sent.
    return redirect(url_for("staff.ticket", reference=t.reference) + f"#peristiwa-{event.id}", 303)


def change_status(reference: str):
    """Move the ticket along the workflow."""
    t = _ticket_or_404(reference)
    forms = _forms(t)
    form = forms["status_form"]
    if not form.validate():
        return refused_page(t, forms, "ubah-status", _("Status tidak valid."))
    try:
        service.change_status(
            db.session(),
            t,
            current_user,
            form.status.data,
            calendar=get_calendar(),
            now=now(),
            linked_units=tuple(forms["linked_units"]),
            fulfilment=form.fulfilment.data or None,
            unit=form.unit.data or None,
            note=form.note.data or "",
        )
    except WorkflowError as exc:
        db.session.rollback()
        return refused_page(_ticket_or_404(reference), forms, "ubah-status", str(exc))
    if t.status == TicketStatus.RESOLVED:
        # The new link and its letter are committed with the resolution.
        days = current_app.config["STATUS_LINK_DAYS"]
        renew_token(db.session(), t, now(), days, before_commit=partial(notify.queue_resolved, db.session(), t))
    else:
        db.session.commit()
    flash(_("Status diubah menjadi %(s)s.", s=t.status.label), "success")
    # "#isi": at the confirmation; a redirect without a fragment keeps the form's "#ubah-status".
    return redirect(url_for("staff.ticket", reference=t.reference) + "#isi", 303)


def assign(reference: str):
    """Claim the ticket, or assign it to a member of its unit."""
    t = _ticket_or_404(reference)
    if request.form.get("ambil") == "1":
        assignee = current_user
    else:
        form = _forms(t)["assign_form"]
        if not form.validate():
            abort(400)
        chosen = form.assignee.data
        assignee = next((m for m in service.unit_members(db.session(), t.owner_unit) if str(m.id) == chosen), None)
    try:
        service.assign(db.session(), t, current_user, assignee, now())
    except service.StaffError as exc:
        flash(str(exc), "error")
    else:  # the service committed
        if assignee is None:
            flash(_("Penugasan tiket dilepas."), "success")
        elif assignee.id == current_user.id:
            flash(_("Tiket ini sekarang Anda tangani."), "success")
        else:
            flash(_("Tiket ditugaskan kepada %(name)s.", name=assignee.name), "success")
    return redirect(url_for("staff.ticket", reference=t.reference) + "#isi", 303)


def download(reference: str, attachment_id: int):
    """Send any attachment of a ticket the staff member may see, as a download."""
    t = _ticket_or_404(reference)
    attachment = next((a for a in t.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    files = file_store(current_app, "tickets")
    return files.send(attachment.stored_name, mimetype=attachment.mimetype, download_name=attachment.filename)


def open_statuses() -> tuple[str, ...]:
    """Statuses that count as open (for templates)."""
    return OPEN_STATUSES
