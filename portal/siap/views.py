"""Reporter pages: what SIAP is, filing a complaint, the receipt, the thread.

No page needs JavaScript. The receipt is rendered straight into the answer to the POST
that filed the complaint, on purpose instead of redirect-after-POST: a redirect would
need the receipt kept somewhere until the next request, and it must never be stored.
"""

from __future__ import annotations

import hmac
import io

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for

from portal.core.access import PUBLIC, access
from portal.extensions import db, limiter
from portal.siap import audit, context, crypto, gates, service, sessions, storage
from portal.siap.forms import ComplaintForm, MessageForm, ReceiptForm
from portal.siap.models import REPORTER, Complaint

bp = Blueprint("siap", __name__, url_prefix="/siap")


def uploads(field) -> list[storage.Upload]:
    """Turn a file field's data into uploads, skipping empty inputs."""
    return [storage.Upload(f.filename, f.stream) for f in field.data or [] if getattr(f, "filename", "")]


def _receipt_key() -> str:
    # Per complaint: the bucket is named by a keyed hash of what was typed, so the
    # limiter's storage never holds a receipt (nor the stored look-up value).
    typed = crypto.compact((request.form.get("resi") or "")[:64])
    return "siap-resi:" + crypto.keyed_hash(context.get().pepper, "throttle", typed).hex()[:24]


_PROCESS_SEED = crypto.new_salt()


def _client_key() -> str:
    # Per client, hashed with a per-process random seed: never an address in clear.
    address = request.remote_addr or ""
    return "siap-klien:" + hmac.new(_PROCESS_SEED, address.encode(), "sha256").hexdigest()[:24]


def _failed(response) -> bool:
    return response.status_code != 303


@bp.get("")
@access(PUBLIC)
def index():
    """Explain SIAP and how anonymity works."""
    return render_template("siap/index.html", notice=request.args.get("ok"))


@bp.route("/lapor", methods=["GET", "POST"])
@access(PUBLIC)
def report():
    """Show the complaint form; file the complaint and show the receipt once."""
    form = ComplaintForm()
    if not form.validate_on_submit():
        return render_template("siap/lapor.html", form=form), 400 if request.method == "POST" else 200
    try:
        receipt, complaint, key = service.submit(db.session, form.report(), form.identity(), uploads(form.berkas))
    except (service.SiapError, storage.FileRefused) as exc:
        return render_template("siap/lapor.html", form=form, error=str(exc)), 400
    sessions.destroy(db.session, request.cookies.get(sessions.COOKIES[sessions.REPORTER][0]))
    token = sessions.create(db.session, sessions.REPORTER, key, complaint_id=complaint.id)
    response = current_app.make_response(
        render_template("siap/resi.html", receipt=crypto.format_receipt(receipt), status=complaint.status)
    )
    sessions.set_cookie(response, sessions.REPORTER, token)
    return response


@bp.route("/masuk", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(lambda: current_app.config["SIAP_LOGIN_LIMIT_GLOBAL"], key_func=lambda: "siap-resi-global",
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["SIAP_LOGIN_LIMIT_CLIENT"], key_func=_client_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["SIAP_LOGIN_LIMIT_RECEIPT"], key_func=_receipt_key,
               methods=["POST"], deduct_when=_failed)
def login():
    """Open one's complaint with the receipt; every failure answers alike."""
    form = ReceiptForm()
    if not form.validate_on_submit():
        return render_template("siap/masuk.html", form=form), 400 if request.method == "POST" else 200
    opened = service.open_with_receipt(db.session, form.resi.data)
    if opened is None:
        audit.record(db.session, "gagal_masuk_pelapor", actor=audit.REPORTER)
        db.session.commit()
        return render_template("siap/masuk.html", form=ReceiptForm(formdata=None), failed=True), 401
    complaint, key = opened
    sessions.destroy(db.session, request.cookies.get(sessions.COOKIES[sessions.REPORTER][0]))
    token = sessions.create(db.session, sessions.REPORTER, key, complaint_id=complaint.id)
    response = redirect(url_for("siap.thread"), 303)
    sessions.set_cookie(response, sessions.REPORTER, token)
    return response


def _own_complaint() -> tuple:
    opened = gates.reporter_session()
    complaint = db.session.get(Complaint, opened.row.complaint_id)
    if complaint is None:
        abort(404)
    return complaint, opened.secret


@bp.get("/laporan")
@access(gates.REPORTER_LEVEL)
def thread():
    """Show the reporter's complaint, its status and the messages (never internal notes)."""
    complaint, key = _own_complaint()
    data = service.read_thread(complaint, key, internal=False)
    return render_template("siap/laporan.html", thread=data, form=MessageForm(), notice=request.args.get("ok"))


@bp.post("/laporan/pesan")
@access(gates.REPORTER_LEVEL)
def message():
    """Add a message (and files) to the reporter's own complaint."""
    complaint, key = _own_complaint()
    form = MessageForm()
    error = None
    if form.validate_on_submit():
        try:
            service.add_entry(db.session, complaint, form.pesan.data, uploads(form.berkas), author=REPORTER)
            return redirect(url_for("siap.thread", ok="pesan"), 303)
        except (service.SiapError, storage.FileRefused) as exc:
            error = str(exc)
    data = service.read_thread(complaint, key, internal=False)
    return render_template("siap/laporan.html", thread=data, form=form, error=error), 400


@bp.get("/laporan/berkas/<ref>")
@access(gates.REPORTER_LEVEL)
def download(ref: str):
    """Send one file of the reporter's own complaint, as a download."""
    complaint, key = _own_complaint()
    attachment = service.find_attachment(complaint, ref)
    if attachment is None:
        abort(404)
    name, data = storage.read(attachment, key)
    return send_file(io.BytesIO(data), mimetype="application/octet-stream", as_attachment=True, download_name=name)


@bp.post("/keluar")
@access(PUBLIC)
def logout():
    """End the reporter session: delete it on the server and forget the cookie."""
    sessions.destroy(db.session, request.cookies.get(sessions.COOKIES[sessions.REPORTER][0]))
    response = redirect(url_for("siap.index", ok="keluar"), 303)
    sessions.clear_cookie(response, sessions.REPORTER)
    return response
