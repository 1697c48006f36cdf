"""Ticket API for channel integrations (e.g. a WhatsApp bot), behind bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.audit import service as audit
from portal.core.access import access, register_level
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.security import private
from portal.extensions import db, limiter
from portal.tickets import idempotency, notify, routing, service
from portal.tickets.forms import form_class
from portal.tickets.models import ApiToken, Ticket
from portal.tickets.submit import create_from_form, create_once

API_CLIENT = "api-token"  # the access level of channel integrations
# How stale ``last_used_at`` may get: a commit on every request, reads included, would make each API
# call a database write (one writer at a time on SQLite) for a value read by people, by the minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_token(session, name: str) -> str:
    """Create a named token; return the secret once (only its hash is stored)."""
    secret = "hai_" + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=hashlib.sha256(secret.encode()).hexdigest()))
    audit.record(session, actor_id=None, action="api_token.create", object_type="api_token", object_id=name,
                 after={"nama": name}, summary=f"Token API '{name}' dibuat (flask api-token)")
    session.commit()
    return secret


def require_token():
    """Let a request with a valid, unrevoked bearer token through; answer 401 otherwise."""
    header = request.headers.get("Authorization", "")
    secret = header[7:].strip() if header.lower().startswith("bearer ") else ""
    digest = hashlib.sha256(secret.encode()).hexdigest()
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first() if secret else None
    if token is None or token.revoked or not hmac.compare_digest(token.token_hash, digest):
        response = jsonify(error=_("Tidak sah"), message=_("Token API tidak ada atau tidak berlaku."), status=401)
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="hai-djpb"'
        return response
    moment = now()
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = moment
        db.session.commit()
    g.api_token = token
    return None


def init_app(app) -> None:
    """Register the bearer-token access level."""
    register_level(app, API_CLIENT, require_token)


def summary(ticket: Ticket) -> dict:
    """The summary anyone with the reference may see: no personal data."""
    return {
        "reference": ticket.reference,
        "service_code": ticket.code,
        "status": ticket.status,
        "received_at": ticket.received_at.astimezone(get_calendar().tz).isoformat(),
        "due_at": ticket.due_at.astimezone(get_calendar().tz).isoformat(),
        "updated_at": ticket.updated_at.astimezone(get_calendar().tz).isoformat(),
    }


def _error(status: int, message: str, fields: dict | None = None):
    body = {"error": _("Permintaan tidak valid"), "message": message, "status": status}
    if fields:
        body["fields"] = fields
    return jsonify(body), status


@access(API_CLIENT)
@private
@limiter.limit("120 per minute")
def ticket_summary(reference: str):
    """Return the summary of one ticket (a merged reference answers its survivor's)."""
    ticket = routing.find(db.session(), reference)
    if ticket is None:
        return _error(404, _("Tiket tidak ditemukan."))
    return jsonify(summary(ticket))


@access(API_CLIENT)
@private
@limiter.limit("60 per minute")
def create():
    """Create a ticket from ``{request_type, service_code, user_type, fields}`` (422 per field).

    With an ``Idempotency-Key`` header, a retry with the same key and content answers the first
    response again (201, plus ``Idempotent-Replayed: true``); other content with that key is a 422.
    """
    once = request.headers.get("Idempotency-Key")
    if once is not None and (once := idempotency.clean_key(once)) is None:
        return _error(400, _("Idempotency-Key harus 16–255 karakter ASCII tanpa spasi."))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _error(400, _("Badan permintaan harus berupa objek JSON."))
    catalog = current_app.extensions["catalog"]
    code, key = payload.get("service_code"), payload.get("request_type")
    rtype = next((t for t in current_app.extensions["request_types"] if t.key == key), None)
    if not isinstance(code, str) or catalog.get(code) is None:
        return _error(422, _("service_code tidak dikenal."), {"service_code": [_("Kode layanan tidak dikenal.")]})
    if rtype is None or not rtype.serves(code):
        return _error(
            422, _("request_type tidak dikenal untuk kode ini."), {"request_type": [_("Jenis tidak dikenal.")]}
        )
    fields = payload.get("fields")
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        return _error(422, _("fields harus berupa objek berisi teks."), {"fields": [_("Harus objek berisi teks.")]})
    user_type = payload.get("user_type")
    data = MultiDict({**{k: v for k, v in fields.items() if k != "lampiran"}, "pengguna": str(user_type)})
    form = form_class(rtype, catalog.user_types)(formdata=data, meta={"csrf": False})
    if not form.validate():
        return _error(422, _("Periksa kembali isian."), {k: [str(e) for e in v] for k, v in form.errors.items()})
    try:
        if once is None:
            created = create_from_form(form, rtype, code, uploads=[], channel="api")
            return jsonify(_created_body(created.ticket, created.token)), 201
        outcome = create_once(
            form,
            rtype,
            code,
            uploads=[],
            channel="api",
            key=once,
            scope=f"api:{g.api_token.id}",  # each integration has keys of its own
            per_content=False,
            body=_created_body,
        )
    except idempotency.KeyReused:
        message = _("Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda.")
        return _error(422, message, {"idempotency_key": [message]})
    except service.TicketError as exc:
        return _error(422, str(exc), {"user_type": [str(exc)]})
    response = jsonify(outcome.answer["body"])
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201


def _created_body(ticket: Ticket, token: str) -> dict:
    return {**summary(ticket), "status_url": notify.status_link(ticket, token)}
