"""Outgoing mail for administrators (/staf/admin/surat): messages that fail, with their error, and "kirim ulang".

The list shows recipients, subjects (the reference and the kind of letter, never the ticket's
content) and the server's error, so an administrator can see a dead relay or a refused address.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.core.access import access
from portal.core.numbers import to_int
from portal.extensions import db
from portal.mail import service as mail
from portal.staff.forms import ResendForm
from portal.staff.manage_views import ADMINS


@access(ADMINS)
def mail_outbox():
    """The messages that failed at least once or for good, newest first."""
    return render_template("staff/mail_outbox.html", messages=mail.troubled(db.session()), form=ResendForm())


@access(ADMINS)
def mail_resend():
    """Queue a message again, due now; it is sent right after this request (or by ``flask mail send``)."""
    form = ResendForm()
    row_id = to_int(form.message_id.data) if form.validate() else None
    if row_id is None:
        abort(400)
    row = mail.resend(db.session(), row_id)
    if row is None:
        db.session.rollback()
        flash(_("Surat itu sudah terkirim, sedang dikirim, atau tidak ada."), "error")
    else:
        db.session.commit()
        flash(_("Surat ke %(to)s diantrekan untuk dikirim ulang.", to=row.to_addr), "success")
    return redirect(url_for("staff.mail_outbox"), 303)
