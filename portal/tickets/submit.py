"""Creating a ticket from a checked form: one way for the portal form, the API and staff registration.

The rules live in ``service.create_ticket`` (explicit arguments); this module only gathers what a
request of this application supplies (catalog, calendar, clock, upload folder, limits) and sends
the confirmation letter once the ticket is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial

from flask import current_app, request

from portal.catalog.service import amendments_in_force
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.filestore import FileStore, file_store
from portal.core.i18n import current_language
from portal.extensions import db
from portal.tickets import attachments, idempotency, language, notify, service


def attachment_store() -> FileStore:
    """Where ticket attachments are kept (``FILE_STORE``: instance/uploads/tickets, or the database)."""
    return file_store(current_app, "tickets")


def checked_uploads() -> list[attachments.Upload]:
    """Check the files of this request's ``lampiran`` input against the configured limits."""
    return attachments.check_uploads(
        request.files.getlist("lampiran"),
        current_app.config["ATTACHMENT_MAX_BYTES"],
        current_app.config["ATTACHMENT_MAX_COUNT"],
    )


def create_from_form(
    form, rtype, code: str, *, uploads: list, channel: str, account=None, actor_id=None, on_create=None
):
    """Store the ticket of a validated request form and send its confirmation; return ``service.Created``.

    Raises ``service.TicketError`` (or its ``SignInRequired``) when the rules refuse the request.
    ``on_create`` is passed on to ``service.create_ticket`` (rows committed with the ticket).
    """
    catalog = current_app.extensions["catalog"]
    created = service.create_ticket(
        db.session(),
        catalog=catalog,
        calendar=get_calendar(),
        rtype=rtype,
        code=code,
        user_type=int(form.pengguna.data),
        values={name: form[name].data for name in rtype.fields if name != "lampiran"},
        uploads=uploads,
        upload_dir=attachment_store(),
        channel=channel,
        now=now(),
        account=account,
        actor_id=actor_id,
        token_days=current_app.config["STATUS_LINK_DAYS"],
        on_create=partial(_confirm, on_create, catalog.get(code).name, channel),
        amendments=amendments_in_force(),
    )
    return created


def _confirm(on_create, service_name: str, channel: str, session, ticket, token: str) -> None:
    """Run the caller's ``on_create``, then queue the confirmation: both commit with the ticket.

    A requester filing on the portal chose the page's language: it is kept for their letters.
    """
    if on_create is not None:
        on_create(session, ticket, token)
    if channel == "portal":
        language.remember(session, ticket, current_language())
    notify.queue_confirmation(session, ticket, token, service_name)


@dataclass(frozen=True)
class Outcome:
    """What a keyed submission gave: the ticket with its status token, the answer, whether it was replayed."""

    created: service.Created
    answer: dict
    replayed: bool


def create_once(
    form,
    rtype,
    code: str,
    *,
    uploads: list,
    channel: str,
    key: str,
    scope: str,
    per_content: bool,
    account=None,
    body=None,
    actor_id=None,
    on_create=None,
) -> Outcome:
    """Like ``create_from_form``, but a key already used with this content returns the first ticket.

    The key's row is committed with the ticket (``idempotency.remember``); ``body(ticket, token)``,
    if given, is the response body sealed with it so that a replay answers the same. Raises
    ``idempotency.KeyReused`` when ``per_content`` is false and the key came with other content.
    ``actor_id`` and ``on_create`` are passed on to ``create_from_form`` (staff registering a request).
    """
    moment = now()
    since = idempotency.window_start(moment, current_app.config.get("IDEMPOTENCY_KEY_HOURS", idempotency.DEFAULT_HOURS))
    content = {
        "code": code,
        "type": rtype.key,
        "channel": channel,  # staff may record the same words once per channel they came through
        "user_type": form.pengguna.data,
        "values": {name: form[name].data for name in rtype.fields if name != "lampiran"},
        "files": [hashlib.sha256(upload.content).hexdigest() for upload in uploads],
    }
    content_hash = idempotency.fingerprint(content)
    lookup = partial(
        idempotency.find,
        db.session(),
        scope=scope,
        key=key,
        content_hash=content_hash,
        since=since,
        per_content=per_content,
    )
    if (replay := lookup()) is not None:
        return Outcome(service.Created(replay.ticket, replay.answer["token"]), replay.answer, True)
    kept = {}

    def keep(session, ticket, token):
        if on_create is not None:
            on_create(session, ticket, token)
        session.flush()  # the ticket's defaults and id, which the answer shows
        kept["answer"] = {"token": token, "body": body(ticket, token) if body else None}
        idempotency.remember(
            session,
            scope=scope,
            key=key,
            content_hash=content_hash,
            ticket=ticket,
            answer=kept["answer"],
            now=moment,
            since=since,
            per_content=per_content,
        )

    try:
        created = create_from_form(
            form, rtype, code, uploads=uploads, channel=channel, account=account, actor_id=actor_id, on_create=keep
        )
    except service.TicketError:
        # Another worker may have committed the same key meanwhile (the unique constraint refused ours).
        if (replay := lookup()) is None:
            raise
        return Outcome(service.Created(replay.ticket, replay.answer["token"]), replay.answer, True)
    return Outcome(created, kept["answer"], False)
