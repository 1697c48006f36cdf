"""Status checks without an account: /status, the private thread, replies, downloads."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.catalog.service import get_catalog
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.security import no_referrer
from portal.extensions import db, limiter
from portal.tickets import attachments, grants, letterlink, notify, rendering, routing, service
from portal.tickets.forms import RenewForm, ReplyForm, StatusForm, SurveyForm
from portal.tickets.models import TicketStatus
from portal.tickets.submit import attachment_store, checked_uploads

LOOKUP_LIMIT = "20 per minute;200 per day"


def _granted(reference: str) -> grants.Granted | None:
    """Return the ticket this browser holds a live grant to (with its last event id), else None."""
    return grants.lookup(db.session(), reference, grants.secret_for(reference), now())


def _granted_or_404(reference: str) -> grants.Granted:
    granted = _granted(reference)
    if granted is None:
        abort(404)
    return granted


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
    ticket = routing.find(db.session(), form.referensi.data)  # a merged reference leads to its survivor
    if ticket is None:
        return _not_found()
    if form.email.data:
        if not service.email_grants(ticket, form.email.data):
            # Same page as an unknown reference: the e-mail check reveals nothing.
            return _not_found()
        grants.give(ticket, token_hash=None)
        return redirect(url_for("tickets.thread", reference=ticket.reference), 303)
    return render_template("tickets/summary.html", ticket=ticket, catalog=get_catalog())


@limiter.limit(LOOKUP_LIMIT)
@no_referrer
def thread(reference: str):
    """The whole thread, for a browser holding a grant; ``?t=`` exchanges a link's token for one."""
    if "t" in request.args:
        return _exchange(reference, request.args["t"])
    granted = _granted(reference)
    if granted is not None and granted.status == TicketStatus.CLOSED:
        survivor = routing.find(db.session(), reference)
        if survivor is not None and survivor.id != granted.ticket_id:
            # Merged since this browser opened it: its grant to the duplicate opens the survivor.
            grants.give(survivor, token_hash=None)
            return redirect(url_for("tickets.thread", reference=survivor.reference), 303)
    if granted is None:
        ticket = routing.find(db.session(), reference)
        if ticket is None:
            return _not_found()
        if ticket.reference != service.normalise_reference(reference):
            return redirect(url_for("tickets.thread", reference=ticket.reference), 303)
        return render_template("tickets/summary.html", ticket=ticket, catalog=get_catalog()), 403
    fresh, survey_open = request.args.get("baru") == "1", _survey_open(granted)

    def render() -> str:
        return render_template(
            "tickets/thread.html",
            ticket=granted.ticket,
            thread_body=rendering.thread_body(granted, get_catalog()),
            form=ReplyForm(),
            fresh=fresh,
            survey_form=SurveyForm() if survey_open else None,
        )

    return rendering.thread_page(granted, (fresh, survey_open), render)


def _exchange(reference: str, token: str):
    """Trade a private link's token (or a later letter's key) for a grant, then drop it from the address bar.

    The token never stays in a URL that the browser's history, a referrer or an access log
    keeps: the answer is always a redirect to ``/status/<reference>``.
    """
    original = service.find(db.session(), reference)
    ticket = routing.find(db.session(), reference)
    if original is None or ticket is None:
        return _not_found()
    if service.token_grants(original, token, now()) or letterlink.opens(original, token, now()):
        # A merged ticket's link opens its survivor; that grant has no link of the survivor behind it.
        grants.give(ticket, token_hash=ticket.token_hash if ticket is original else None)
    elif _granted(ticket.reference) is None:
        text = _("Tautan ini sudah tidak berlaku. Minta tautan baru melalui “Cek status dengan alamat e-mail”.")
        flash(text, "error")
    return redirect(url_for("tickets.thread", reference=ticket.reference), 303)


def _survey_open(granted: grants.Granted) -> bool:
    from portal.tickets.models import Survey

    if granted.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED) or granted.resolved_at is None:
        return False  # no query for the open tickets, which are most of those looked at
    return db.session.scalars(select(Survey.id).where(Survey.ticket_id == granted.ticket_id)).first() is None


@limiter.limit("10 per hour")
@no_referrer
def survey(reference: str):
    """Record the requester's 1–5 rating and comment."""
    ticket = _granted_or_404(reference).ticket
    form = SurveyForm()
    if form.validate():
        try:
            service.record_survey(db.session(), ticket, int(form.rating.data), form.comment.data or "", now())
        except service.TicketError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Terima kasih atas penilaian Anda."), "success")
    else:
        flash(_("Pilih nilai 1 sampai 5."), "error")
    return redirect(url_for("tickets.thread", reference=ticket.reference), 303)


@limiter.limit("30 per hour")
@no_referrer
def reply(reference: str):
    """Add the requester's reply (reopens a recently resolved ticket)."""
    granted = _granted_or_404(reference)
    ticket = granted.ticket
    form = ReplyForm()
    if form.validate():
        try:
            uploads = checked_uploads()
            service.add_requester_reply(
                db.session(), ticket, form.pesan.data or "", uploads, attachment_store(), now(), get_calendar()
            )
        except (attachments.AttachmentError, service.TicketError) as exc:
            form.pesan.errors = [str(exc)]
        else:
            flash(_("Pesan Anda telah dikirim."), "success")
            return redirect(url_for("tickets.thread", reference=ticket.reference) + "#percakapan", 303)
    body = rendering.thread_body(granted, get_catalog())
    return render_template("tickets/thread.html", ticket=ticket, thread_body=body, form=form), 422


@no_referrer
def download(reference: str, attachment_id: int):
    """Send a public attachment of the thread, as a download."""
    ticket = _granted_or_404(reference).ticket
    attachment = next((a for a in ticket.attachments if a.id == attachment_id and a.public), None)
    if attachment is None:
        abort(404)
    files = attachment_store()
    return files.send(attachment.stored_name, mimetype=attachment.mimetype, download_name=attachment.filename)


@limiter.limit("5 per hour")
def renew():
    """Send a new private link to the requester's address (same answer whatever happens)."""
    form = RenewForm()
    if form.validate():
        ticket = routing.find(db.session(), form.referensi.data)
        if ticket is not None and service.email_grants(ticket, form.email.data):
            service.renew_token(
                db.session(),
                ticket,
                now(),
                current_app.config["STATUS_LINK_DAYS"],
                before_commit=partial(notify.queue_new_link, db.session(), ticket),
            )
    flash(_("Jika nomor tiket dan alamat e-mail cocok, tautan baru telah dikirim ke alamat tersebut."), "success")
    return redirect(url_for("tickets.status"), 303)
