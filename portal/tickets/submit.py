"""Creating a ticket from a checked form: one way for the portal form, the API and staff registration.

The rules live in ``service.create_ticket`` (explicit arguments); this module only gathers what a
request of this application supplies (catalog, calendar, clock, upload folder, limits) and sends
the confirmation letter once the ticket is stored.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request

from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.extensions import db
from portal.tickets import attachments, notify, service


def upload_dir() -> Path:
    """Folder of ticket attachments, outside ``static/``."""
    return Path(current_app.instance_path) / "uploads" / "tickets"


def checked_uploads() -> list[attachments.Upload]:
    """Check the files of this request's ``lampiran`` input against the configured limits."""
    return attachments.check_uploads(
        request.files.getlist("lampiran"),
        current_app.config["ATTACHMENT_MAX_BYTES"],
        current_app.config["ATTACHMENT_MAX_COUNT"],
    )


def create_from_form(form, rtype, code: str, *, uploads: list, channel: str, account=None, actor_id=None):
    """Store the ticket of a validated request form and send its confirmation; return ``service.Created``.

    Raises ``service.TicketError`` (or its ``SignInRequired``) when the rules refuse the request.
    """
    catalog = current_app.extensions["catalog"]
    created = service.create_ticket(
        db.session,
        catalog=catalog,
        calendar=get_calendar(),
        rtype=rtype,
        code=code,
        user_type=int(form.pengguna.data),
        values={name: form[name].data for name in rtype.fields if name != "lampiran"},
        uploads=uploads,
        upload_dir=upload_dir(),
        channel=channel,
        now=now(),
        account=account,
        actor_id=actor_id,
        token_days=current_app.config["STATUS_LINK_DAYS"],
    )
    notify.send_confirmation(created.ticket, created.token, catalog.get(code).name)
    return created
