"""The Secretariat's workspace under /siap/sekretariat: unlock, inbox, complaint, members.

Every route is 404 for anyone but a Secretariat member holding a grant; members must
unlock (re-enter their password) before anything is decrypted. Every access to a
complaint and every change is written to the audit log. The addresses are listed in
``routes.py`` (blueprint ``siap_sekretariat``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal.auth.service import account
from portal.core.access import access
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.extensions import db, limiter
from portal.siap import audit, context, gates, members, service, sessions, storage
from portal.siap.forms import ActionForm, MessageForm, NoteForm, StatusForm, UnlockForm
from portal.siap.models import NOTE, SECRETARIAT, Complaint
from portal.siap.views import uploads


@dataclass(frozen=True)
class InboxRow:
    """One complaint as listed in the inbox."""

    complaint: Complaint
    category: str
    summary: str
    age_hours: float
    overdue: bool


def _unit_key() -> bytes:
    opened = gates.member_session()
    if opened is None:  # unreachable: only called under UNLOCKED_LEVEL, whose gate requires the session
        raise RuntimeError("no SIAP session behind UNLOCKED_LEVEL")
    return opened.secret


def _norm_hours() -> int:
    return current_app.extensions["catalog"].get(context.get().code).max_hours


def _complaint(ref: str) -> tuple[Complaint, bytes]:
    complaint = service.by_ref(db.session(), ref)
    if complaint is None:
        abort(404)
    return complaint, service.complaint_key(complaint, _unit_key())


@access(gates.MEMBER_LEVEL)
@limiter.limit("10 per 10 minutes", methods=["POST"], key_func=lambda: f"siap-buka:{current_user.id}",
               deduct_when=lambda response: response.status_code == 401)
def unlock():
    """Unlock the workspace with the account password (members with a grant only)."""
    if gates.member_session() is not None:
        return redirect(url_for("siap_sekretariat.inbox"), 303)
    form = UnlockForm()
    state = None
    if form.validate_on_submit():
        state, unit_key = members.unlock(db.session(), current_user, form.password.data)
        if state is members.Unlock.OPEN:
            token = sessions.create(db.session(), sessions.MEMBER, unit_key, user_id=current_user.id)
            response = redirect(url_for("siap_sekretariat.inbox"), 303)
            sessions.set_cookie(response, sessions.MEMBER, token)
            return response
    status = 401 if state is members.Unlock.WRONG else 200
    pending = members.grant_of(db.session(), current_user.id).sealed_unit_key is None
    return render_template(
        "siap/sekretariat/buka.html", form=form, state=state and state.value,
        fingerprint=members.own_fingerprint(db.session(), current_user.id), pending=pending,
    ), status


@access(gates.MEMBER_LEVEL)
def lock():
    """Lock the workspace: delete the unlocked session and its key."""
    sessions.destroy(db.session(), request.cookies.get(sessions.COOKIES[sessions.MEMBER][0]))
    response = redirect(url_for("siap_sekretariat.unlock"), 303)
    sessions.clear_cookie(response, sessions.MEMBER)
    return response


@access(gates.UNLOCKED_LEVEL)
def inbox():
    """List complaints with status and age against the WBSM.01 norm (working hours)."""
    calendar, moment, norm = get_calendar(), now(), _norm_hours()
    rows = []
    for complaint in service.complaints(db.session(), request.args.get("status")):
        report = service.summary(complaint, service.complaint_key(complaint, _unit_key()))
        age = calendar.working_hours_between(complaint.created_at, complaint.closed_at or moment)
        closed = complaint.status in service.CLOSED
        rows.append(InboxRow(complaint, report.get("kategori", ""), report.get("peristiwa", ""), age,
                             not closed and age > norm))
    counts = {s: sum(1 for r in rows if r.complaint.status == s) for s in service.STATUSES}
    return render_template("siap/sekretariat/inbox.html", rows=rows, counts=counts, norm=norm,
                           statuses=service.STATUSES, current=request.args.get("status"))


@access(gates.UNLOCKED_LEVEL)
def detail(ref: str):
    """Show one complaint with its internal notes; the opening is audited."""
    complaint, key = _complaint(ref)
    audit.record(db.session(), "buka_pengaduan", user_id=current_user.id, ref=complaint.ref)
    db.session.commit()
    return _render_detail(complaint, key)


def _render_detail(complaint: Complaint, key: bytes, status_code: int = 200, **forms):
    data = service.read_thread(complaint, key, internal=True)
    status_form = forms.get("status_form") or StatusForm()
    status_form.allow(service.TRANSITIONS[complaint.status])
    linked = current_app.extensions["catalog"].linked_units_for(context.get().code)
    return render_template(
        "siap/sekretariat/pengaduan.html", thread=data, status_form=status_form,
        reply_form=forms.get("reply_form") or MessageForm(), note_form=forms.get("note_form") or NoteForm(),
        action_form=ActionForm(), linked=linked, error=forms.get("error"), notice=request.args.get("ok"),
        norm=_norm_hours(),
        age=get_calendar().working_hours_between(complaint.created_at, complaint.closed_at or now()),
    ), status_code


@access(gates.UNLOCKED_LEVEL)
def reply(ref: str):
    """Send a reply (and files) to the reporter."""
    complaint, key = _complaint(ref)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            service.add_entry(db.session(), complaint, form.pesan.data, uploads(form.berkas), author=SECRETARIAT,
                              user_id=current_user.id)
            return redirect(url_for(".detail", ref=complaint.ref, ok="balasan"), 303)
        except (service.SiapError, storage.FileRefused) as exc:
            return _render_detail(complaint, key, 400, reply_form=form, error=str(exc))
    return _render_detail(complaint, key, 400, reply_form=form)


@access(gates.UNLOCKED_LEVEL)
def note(ref: str):
    """Add an internal note the reporter never sees."""
    complaint, key = _complaint(ref)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_detail(complaint, key, 400, note_form=form)
    service.add_entry(
        db.session(), complaint, form.catatan.data, [], author=SECRETARIAT, kind=NOTE, user_id=current_user.id
    )
    return redirect(url_for(".detail", ref=complaint.ref, ok="catatan"), 303)


@access(gates.UNLOCKED_LEVEL)
def change_status(ref: str):
    """Move the complaint to the next status (allowed transitions only)."""
    complaint, key = _complaint(ref)
    try:
        service.change_status(db.session(), complaint, request.form.get("status", ""), current_user.id)
    except service.SiapError as exc:
        return _render_detail(complaint, key, 400, error=str(exc))
    return redirect(url_for(".detail", ref=complaint.ref, ok="status"), 303)


@access(gates.UNLOCKED_LEVEL)
def forward(ref: str):
    """Record forwarding to the catalog's linked unit for WBSM.01."""
    complaint, key = _complaint(ref)
    linked = current_app.extensions["catalog"].linked_units_for(context.get().code)
    if not linked:
        abort(404)
    try:
        service.forward(db.session(), complaint, linked[0].name, current_user.id)
    except service.SiapError as exc:
        return _render_detail(complaint, key, 400, error=str(exc))
    return redirect(url_for(".detail", ref=complaint.ref, ok="diteruskan"), 303)


@access(gates.UNLOCKED_LEVEL)
def download(ref: str, file_ref: str):
    """Send one file of a complaint as a download; audited."""
    complaint, key = _complaint(ref)
    attachment = service.find_attachment(complaint, file_ref)
    if attachment is None:
        abort(404)
    name, data = storage.read(attachment, key)
    audit.record(db.session(), "unduh_berkas", user_id=current_user.id, ref=complaint.ref)
    db.session.commit()
    return send_file(io.BytesIO(data), mimetype="application/octet-stream", as_attachment=True, download_name=name)


@access(gates.UNLOCKED_LEVEL)
def roster():
    """List the unit's accounts with their access, to grant, complete or revoke."""
    return render_template("siap/sekretariat/anggota.html", rows=members.roster(db.session()), form=ActionForm(),
                           notice=request.args.get("ok"), error=None)


@access(gates.UNLOCKED_LEVEL)
def change_member(user_id: int, action: str):
    """Grant access, complete a pending grant, or revoke access."""
    target = account(db.session(), user_id)
    if target is None or action not in ("beri", "selesaikan", "cabut"):
        abort(404)
    try:
        if action == "beri":
            members.grant(db.session(), current_user.id, target)
        elif action == "selesaikan":
            members.complete(db.session(), current_user.id, _unit_key(), user_id)
        else:
            members.revoke(db.session(), current_user.id, user_id)
    except service.SiapError as exc:
        return render_template("siap/sekretariat/anggota.html", rows=members.roster(db.session()), form=ActionForm(),
                               notice=None, error=str(exc)), 400
    return redirect(url_for(".roster", ok=action), 303)


@access(gates.UNLOCKED_LEVEL)
def audit_log():
    """Show the newest audit events (no content is ever in them)."""
    return render_template("siap/sekretariat/audit.html", events=audit.recent(db.session(), 300))
