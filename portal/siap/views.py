"""Reporter pages: what SIAP is, filing a complaint, the receipt, the thread.

No page needs JavaScript. Filing answers with a redirect to ``/siap/resi`` (post/redirect/
get): the receipt waits there, sealed inside the new server-side session under the key in
the reporter's cookie, and is removed the first time the page shows it. The complaint form
carries a one-time key (``formkeys``), so sending the same form again files nothing.
Their addresses are listed in ``routes.py`` (blueprint ``siap``).
"""

from __future__ import annotations

import hmac
import io
import ipaddress

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portal.core.access import PUBLIC, access
from portal.extensions import db, limiter
from portal.siap import audit, context, crypto, formkeys, gates, quota, service, sessions, storage
from portal.siap.forms import ComplaintForm, MessageForm, ReceiptForm
from portal.siap.models import REPORTER, Complaint


def uploads(field) -> list[storage.Upload]:
    """Turn a file field's data into uploads, skipping empty inputs."""
    return [storage.Upload(f.filename, f.stream) for f in field.data or [] if getattr(f, "filename", "")]


def _receipt_key() -> str:
    # Per complaint: the bucket is named by a keyed hash of what was typed, so the
    # limiter's storage never holds a receipt (nor the stored look-up value).
    typed = crypto.compact((request.form.get("resi") or "")[:64])
    return "siap-resi:" + crypto.keyed_hash(context.get().pepper, "throttle", typed).hex()[:24]


_PROCESS_SEED = crypto.new_salt()


def client_key() -> str:
    """Name this request's client for the limits: a keyed hash, never an address in clear.

    The hash uses a per-process random seed. IPv6 clients are counted per /64, the
    smallest network one subscriber usually holds, so address rotation buys nothing.
    """
    address = request.remote_addr or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.version == 6 and parsed.ipv4_mapped is None:
        address = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return "siap-klien:" + hmac.new(_PROCESS_SEED, address.encode(), "sha256").hexdigest()[:24]


def _failed(response) -> bool:
    return response.status_code != 303


@access(PUBLIC)
def index():
    """Explain SIAP and how anonymity works (and say so first when it cannot accept complaints yet)."""
    return render_template("siap/index.html", notice=request.args.get("ok"), ready=service.accepting(db.session()))


def _form_page(form: ComplaintForm, status: int, error: str | None = None):
    # A form shown again keeps its key (it was not used); a missing or stale one is replaced.
    if not formkeys.is_fresh(form.kunci.data):
        form.kunci.data = formkeys.new_key()
    return render_template("siap/lapor.html", form=form, error=error), status


@access(PUBLIC)
def report():
    """Show the complaint form; file the complaint once, then send the reporter to the receipt."""
    if not service.accepting(db.session()):
        # Before the Secretariat's key ceremony nothing could be sealed: say so before anyone
        # types a complaint, and take nothing (no quota, no form key, no file) from a POST.
        return render_template("siap/lapor.html", form=None, ready=False), 503
    form = ComplaintForm()
    if not form.validate_on_submit():
        return _form_page(form, 400 if request.method == "POST" else 200)
    if not formkeys.is_fresh(form.kunci.data):
        text = _("Formulir ini sudah terlalu lama dibuka. Periksa kembali isian Anda, lalu kirim lagi.")
        return _form_page(form, 400, text)
    if formkeys.is_used(db.session(), form.kunci.data):
        return redirect(url_for("siap.receipt"), 303)  # the same form again: nothing new is filed
    files = uploads(form.berkas)
    if not quota.take_report(client_key()):
        text = _(
            "Terlalu banyak pengaduan dikirim dari jaringan Anda dalam satu jam terakhir. Isian Anda masih "
            "tersimpan di formulir ini; silakan kirim lagi nanti (berkas perlu dipilih ulang)."
        )
        return _form_page(form, 429, text)
    if not quota.take_upload_bytes(quota.size_of(f.stream for f in files)):
        text = _(
            "Kapasitas unggah berkas layanan ini sedang penuh. Isian Anda masih tersimpan di formulir ini; "
            "kirim lagi nanti, atau kirim sekarang tanpa berkas dan tambahkan berkas kemudian sebagai pesan."
        )
        return _form_page(form, 429, text)
    try:
        receipt, complaint, key = service.submit(
            db.session(), form.report(), form.identity(), files, form_key=form.kunci.data
        )
    except (service.SiapError, storage.FileRefused) as exc:
        return _form_page(form, 400, str(exc))
    except IntegrityError:
        db.session.rollback()
        return redirect(url_for("siap.receipt"), 303)  # the same form, sent twice at once
    sessions.destroy(db.session(), request.cookies.get(sessions.COOKIES[sessions.REPORTER][0]))
    token = sessions.create(db.session(), sessions.REPORTER, key, complaint_id=complaint.id, receipt=receipt)
    response = redirect(url_for("siap.receipt"), 303)
    sessions.set_cookie(response, sessions.REPORTER, token)
    return response


@access(PUBLIC)
def receipt():
    """Show the receipt of the complaint just filed, once; afterwards say that it was shown."""
    opened = gates.reporter_session()
    complaint = db.session.get(Complaint, opened.row.complaint_id) if opened is not None else None
    shown = sessions.take_receipt(db.session(), opened) if complaint is not None else None
    return render_template(
        "siap/resi.html",
        receipt=crypto.format_receipt(shown) if shown else None,
        status=complaint.status if complaint is not None else None,
        signed_in=complaint is not None,
        # Switching language reloads the page, and the code is shown only once: a reporter who
        # switched here would lose it. The language was chosen before filing.
        hide_language_switch=bool(shown),
    )


@access(PUBLIC)
@limiter.limit(lambda: current_app.config["SIAP_LOGIN_LIMIT_CLIENT"], key_func=client_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["SIAP_LOGIN_LIMIT_RECEIPT"], key_func=_receipt_key,
               methods=["POST"], deduct_when=_failed)
def login():
    """Open one's complaint with the receipt; every failure answers alike."""
    form = ReceiptForm()
    if not form.validate_on_submit():
        return render_template("siap/masuk.html", form=form), 400 if request.method == "POST" else 200
    opened = service.open_with_receipt(db.session(), form.resi.data)
    if opened is None:
        audit.record(db.session(), "gagal_masuk_pelapor", actor=audit.REPORTER)
        db.session.commit()
        return render_template("siap/masuk.html", form=ReceiptForm(formdata=None), failed=True), 401
    complaint, key = opened
    sessions.destroy(db.session(), request.cookies.get(sessions.COOKIES[sessions.REPORTER][0]))
    token = sessions.create(db.session(), sessions.REPORTER, key, complaint_id=complaint.id)
    response = redirect(url_for("siap.thread"), 303)
    sessions.set_cookie(response, sessions.REPORTER, token)
    return response


def _own_complaint() -> tuple:
    opened = gates.reporter_session()
    if opened is None:  # unreachable: only called under REPORTER_LEVEL, whose gate requires the session
        raise RuntimeError("no SIAP session behind REPORTER_LEVEL")
    complaint = db.session.get(Complaint, opened.row.complaint_id)
    if complaint is None:
        abort(404)
    return complaint, opened.secret


@access(gates.REPORTER_LEVEL)
def thread():
    """Show the reporter's complaint, its status and the messages (never internal notes)."""
    complaint, key = _own_complaint()
    data = service.read_thread(complaint, key, internal=False)
    return render_template("siap/laporan.html", thread=data, form=MessageForm(), notice=request.args.get("ok"))


@access(gates.REPORTER_LEVEL)
def message():
    """Add a message (and files) to the reporter's own complaint."""
    complaint, key = _own_complaint()
    form = MessageForm()
    error, status = None, 400
    if form.validate_on_submit():
        files = uploads(form.berkas)
        if not quota.take_message(client_key()):
            error, status = _("Terlalu banyak pesan dikirim dari jaringan Anda. Pesan Anda belum dikirim; "
                              "coba lagi dalam satu jam."), 429
        elif not quota.take_upload_bytes(quota.size_of(f.stream for f in files)):
            error, status = _("Kapasitas unggah berkas layanan ini sedang penuh. Pesan Anda belum dikirim; "
                              "kirim lagi nanti, atau kirim tanpa berkas."), 429
        else:
            try:
                service.add_entry(db.session(), complaint, form.pesan.data, files, author=REPORTER)
                return redirect(url_for("siap.thread", ok="pesan"), 303)
            except (service.SiapError, storage.FileRefused) as exc:
                error = str(exc)
    data = service.read_thread(complaint, key, internal=False)
    return render_template("siap/laporan.html", thread=data, form=form, error=error), status


@access(gates.REPORTER_LEVEL)
def download(ref: str):
    """Send one file of the reporter's own complaint, as a download."""
    complaint, key = _own_complaint()
    attachment = service.find_attachment(complaint, ref)
    if attachment is None:
        abort(404)
    name, data = storage.read(attachment, key)
    return send_file(io.BytesIO(data), mimetype="application/octet-stream", as_attachment=True, download_name=name)


@access(PUBLIC)
def logout():
    """End the reporter session: delete it on the server and forget the cookie."""
    sessions.destroy(db.session(), request.cookies.get(sessions.COOKIES[sessions.REPORTER][0]))
    response = redirect(url_for("siap.index", ok="keluar"), 303)
    sessions.clear_cookie(response, sessions.REPORTER)
    return response
