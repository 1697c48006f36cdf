"""Status checks without an account: /status, the private thread, replies, downloads."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.catalog.service import get_catalog
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.extensions import db, limiter
from portal.tickets import attachments, notify, service
from portal.tickets.forms import RenewForm, ReplyForm, StatusForm, SurveyForm
from portal.tickets.models import TicketStatus
from portal.tickets.submit import checked_uploads, upload_dir

GRANTS_KEY = "tiket_akses"
MAX_GRANTS = 10
LOOKUP_LIMIT = "20 per minute;200 per day"


def _granted(reference: str) -> bool:
    return reference in session.get(GRANTS_KEY, [])


def _grant(reference: str) -> None:
    # The thread stays readable in this browser session after the e-mail check.
    grants = [r for r in session.get(GRANTS_KEY, []) if r != reference][-(MAX_GRANTS - 1) :]
    session[GRANTS_KEY] = [*grants, reference]


def _granted_ticket_or_404(reference: str):
    ticket = service.find(db.session, reference)
    if ticket is None or not _granted(ticket.reference):
        abort(404)
    return ticket


def _not_found():
    return render_template("tickets/status.html", form=StatusForm(), not_found=True), 404


@limiter.limit(LOOKUP_LIMIT, methods=["POST"])
def status():
    """Look a ticket up: the reference alone shows a summary; with the e-mail, the thread."""
    form = StatusForm()
    if request.method == "GET":
        return render_template("tickets/status.html", form=form, renew=RenewForm())
    if not form.validate():
        return render_template("tickets/status.html", form=form, renew=RenewForm()), 422
    ticket = service.find(db.session, form.referensi.data)
    if ticket is None:
        return _not_found()
    if form.email.data:
        if not service.email_grants(ticket, form.email.data):
            # Same page as an unknown reference: the e-mail check reveals nothing.
            return _not_found()
        _grant(ticket.reference)
        return redirect(url_for("tickets.thread", reference=ticket.reference), 303)
    return render_template("tickets/summary.html", ticket=ticket, catalog=get_catalog())


@limiter.limit(LOOKUP_LIMIT)
def thread(reference: str):
    """The whole thread, for the private link's token or an e-mail-checked session."""
    ticket = service.find(db.session, reference, with_thread=True)
    if ticket is None:
        return _not_found()
    token = request.args.get("t")
    if token and service.token_grants(ticket, token, now()):
        _grant(ticket.reference)
    elif not _granted(ticket.reference):
        if token:
            flash(_("Tautan ini sudah tidak berlaku. Minta tautan baru di bawah ini."), "error")
        return render_template("tickets/summary.html", ticket=ticket, catalog=get_catalog()), 403
    events = [e for e in ticket.events if e.public]
    return render_template(
        "tickets/thread.html",
        ticket=ticket,
        events=events,
        catalog=get_catalog(),
        form=ReplyForm(),
        fresh=request.args.get("baru") == "1" and bool(token),
        token=token,
        survey_form=SurveyForm() if _survey_open(ticket) else None,
    )


def _survey_open(ticket) -> bool:
    from portal.tickets.models import Survey

    done = db.session.scalars(select(Survey.id).where(Survey.ticket_id == ticket.id)).first()
    finished = ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    return finished and ticket.resolved_at is not None and done is None


@limiter.limit("10 per hour")
def survey(reference: str):
    """Record the requester's 1–5 rating and comment."""
    ticket = _granted_ticket_or_404(reference)
    form = SurveyForm()
    if form.validate():
        try:
            service.record_survey(db.session, ticket, int(form.rating.data), form.comment.data or "", now())
        except service.TicketError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Terima kasih atas penilaian Anda."), "success")
    else:
        flash(_("Pilih nilai 1 sampai 5."), "error")
    return redirect(url_for("tickets.thread", reference=ticket.reference), 303)


@limiter.limit("30 per hour")
def reply(reference: str):
    """Add the requester's reply (reopens a recently resolved ticket)."""
    ticket = _granted_ticket_or_404(reference)
    form = ReplyForm()
    if form.validate():
        try:
            uploads = checked_uploads()
            service.add_requester_reply(
                db.session, ticket, form.pesan.data or "", uploads, upload_dir(), now(), get_calendar()
            )
        except (attachments.AttachmentError, service.TicketError) as exc:
            form.pesan.errors = [str(exc)]
        else:
            flash(_("Pesan Anda telah dikirim."), "success")
            return redirect(url_for("tickets.thread", reference=ticket.reference) + "#percakapan", 303)
    events = [e for e in ticket.events if e.public]
    page = render_template("tickets/thread.html", ticket=ticket, events=events, catalog=get_catalog(), form=form)
    return page, 422


def download(reference: str, attachment_id: int):
    """Send a public attachment of the thread, as a download."""
    ticket = _granted_ticket_or_404(reference)
    attachment = next((a for a in ticket.attachments if a.id == attachment_id and a.public), None)
    if attachment is None:
        abort(404)
    return send_file(
        upload_dir() / attachment.stored_name,
        mimetype=attachment.mimetype,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )


@limiter.limit("5 per hour")
def renew():
    """Send a new private link to the requester's address (same answer whatever happens)."""
    form = RenewForm()
    if form.validate():
        ticket = service.find(db.session, form.referensi.data)
        if ticket is not None and service.email_grants(ticket, form.email.data):
            token = service.renew_token(db.session, ticket, now(), current_app.config["STATUS_LINK_DAYS"])
            notify.send_new_link(ticket, token)
    flash(_("Jika nomor tiket dan alamat e-mail cocok, tautan baru telah dikirim ke alamat tersebut."), "success")
    return redirect(url_for("tickets.status"), 303)
