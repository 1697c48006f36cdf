"""Ticket rules: eligibility, references, due times, creation, access, replies."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from portal.catalog import service as catalog_rules
from portal.catalog.models import Catalog, Service, Subscope
from portal.core.calendar import WorkingCalendar
from portal.core.counters import increment
from portal.core.filestore import FileStore
from portal.tickets import approval, notify, unitmap, waiting
from portal.tickets import attachments as files
from portal.tickets.models import (
    STATUS_CLOSED,
    STATUS_NEW,
    STATUS_OPEN,
    STATUS_RESOLVED,
    STATUS_WAITING,
    Attachment,
    SuggestionOpened,
    Survey,
    Ticket,
    TicketEvent,
    TicketGrant,
)
from portal.tickets.types import RequestType
from portal.tickets.workflow import transition

# Crockford base32 without I, L, O, U: nothing a person can misread when copying.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RANDOM = 8  # 8 × 5 = 40 random bits
REOPEN_DAYS = 7
PLAIN_FIELDS = ("nama", "email", "subjek", "detail", "lampiran")
# Complaints (WBSM.01) never become help-desk tickets: they go to the segregated SIAP flow,
# whose endpoint is named here, so no complaint ever lands in the help desk's database.
SEGREGATED = {"WBSM.01": "siap.index"}


class TicketError(ValueError):
    """A request cannot be accepted; the message is for the user."""


class NotEligible(TicketError):
    """The matrix (or the request type) closes this service to the user type."""


class SignInRequired(TicketError):
    """The service is open to internal user types only: an internal account must sign in."""


@dataclass(frozen=True)
class Created:
    """A new ticket and the private token of its status link (shown once)."""

    ticket: Ticket
    token: str


def new_reference(now: datetime, tz) -> str:
    """Return a reference like HAI-2611-7KQ4M9XD (year, month, 40 random bits)."""
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(REFERENCE_RANDOM))
    return f"HAI-{now.astimezone(tz):%y%m}-{random_part}"


def normalise_reference(raw: str) -> str:
    """Upper-case a typed reference and read ambiguous letters the Crockford way."""
    text = "".join((raw or "").split()).upper()[:24]
    return text.translate(str.maketrans("OIL", "011")).replace("HA1-", "HAI-")


def hash_token(token: str) -> str:
    """Hash a status-link token; only the hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Return a status-link token with 128 random bits."""
    return secrets.token_urlsafe(16)


def known_service(catalog: Catalog, code: str) -> Service:
    """The service of a code the caller already knows is in the catalog (KeyError otherwise)."""
    service = catalog.service_of(code)
    if service is None:
        raise KeyError(code)
    return service


def check_eligibility(
    catalog: Catalog, code: str, rtype: RequestType, user_type: int, account, vouched: bool = False, amendments=()
) -> None:
    """Raise unless this user type (and account) may submit ``rtype`` for ``code``.

    ``vouched`` requests come from staff or a channel integration that identified the requester; they
    need no sign-in for internal-only services. Only ``amendments`` in force change the published matrix.
    """
    service = known_service(catalog, code)
    if not catalog_rules.is_eligible(catalog, code, user_type, amendments):
        raise NotEligible(
            _(
                "Layanan %(service_code)s tidak tersedia untuk jenis pengguna ini menurut katalog.",
                service_code=service.code,
            )
        )
    if rtype.user_types is not None and user_type not in rtype.user_types:
        raise NotEligible(
            _('"%(rtype_name)s" hanya dapat diajukan oleh jenis pengguna tertentu.', rtype_name=rtype.name)
        )
    if catalog_rules.only_internal(catalog, catalog.nodes[code], amendments) and not vouched:
        if account is None or not getattr(account, "is_authenticated", False):
            raise SignInRequired(_("Layanan ini hanya untuk pengguna internal: masuk dengan akun DJPb Anda."))
        if not account.is_staff and account.user_type != user_type:
            raise NotEligible(_("Jenis pengguna harus sesuai dengan akun Anda."))


def needs_subscope(catalog: Catalog, code: str) -> bool:
    """Tell whether a request must name a sub-scope: the service's sub-scopes have their own units."""
    node = catalog.get(code)
    if node is None:  # callers pass codes of the catalog
        raise KeyError(code)
    return not isinstance(node, Subscope) and any(s.owner_unit for s in node.subscopes)


def owner_unit(catalog: Catalog, code: str) -> str:
    """Return the unit that answers tickets of ``code`` (a BLU sub-scope goes to its BLU)."""
    node = catalog.get(code)
    if isinstance(node, Subscope) and node.owner_unit:
        return node.owner_unit
    if needs_subscope(catalog, code):
        raise TicketError(_("Pilih sub-lingkup layanan: setiap sub-lingkup ditangani unit yang berbeda."))
    return known_service(catalog, code).owner


def due_time(catalog: Catalog, calendar: WorkingCalendar, code: str, received: datetime) -> datetime:
    """Received + the norma waktu (upper bound of a range) in working hours."""
    return calendar.add_working_hours(received, known_service(catalog, code).max_hours)


def create_ticket(
    session: Session,
    *,
    catalog: Catalog,
    calendar: WorkingCalendar,
    rtype: RequestType,
    code: str,
    user_type: int,
    values: dict,
    uploads: list[files.Upload],
    upload_dir: FileStore,
    channel: str,
    now: datetime,
    account=None,
    actor_id: int | None = None,
    token_days: int = 30,
    on_create=None,
    amendments: tuple = (),
) -> Created:
    """Check eligibility (``amendments`` in force), compute the due time, store the ticket and its files.

    ``on_create(session, ticket, token)`` adds rows committed in the ticket's transaction."""
    if known_service(catalog, code).code in SEGREGATED:
        raise TicketError(_("Pengaduan (WBSM.01) disampaikan melalui SIAP, bukan sebagai tiket."))
    check_eligibility(catalog, code, rtype, user_type, account, vouched=channel != "portal", amendments=amendments)
    service = known_service(catalog, code)
    token = new_token()
    data = {k: v for k, v in values.items() if k not in PLAIN_FIELDS and v not in (None, "")}
    for _attempt in range(5):
        ticket = Ticket(
            reference=new_reference(now, calendar.tz),
            channel=channel,
            code=code,
            service_code=service.code,
            request_type=rtype.key,
            catalog_version=catalog.version,
            owner_unit=unitmap.mapped_unit(session, catalog, code) or owner_unit(catalog, code),
            subject=(values.get("subjek") or rtype.name)[:200],
            detail=values.get("detail") or "",
            data=data,
            requester_name=values["nama"],
            requester_email=values["email"],
            user_type=user_type,
            requester_user_id=getattr(account, "id", None) if channel == "portal" else None,
            received_at=now,
            due_at=due_time(catalog, calendar, code, now),
            **approval.initial_state(service.code, now),  # a broadcast waits for approval, clock standing
            updated_at=now,
            token_hash=hash_token(token),
            token_expires_at=now + timedelta(days=token_days),
        )
        event = TicketEvent(
            kind="dibuat",
            public=True,
            author="pengguna" if actor_id is None else "staf",
            actor_id=actor_id,
            body="",
            to_status=ticket.status or STATUS_NEW,
            created_at=now,
        )
        ticket.events.append(event)
        _attach(ticket, event, uploads, upload_dir, now)
        session.add(ticket)
        notify.tell_unit_new(session, ticket, now)  # in this commit: the unit hears of it once
        try:
            if on_create is not None:
                on_create(session, ticket, token)
            session.commit()
            return Created(ticket, token)
        except IntegrityError:  # a reference collision: draw again
            session.rollback()
    raise TicketError(_("Nomor tiket tidak dapat dibuat; silakan coba lagi."))


def _attach(ticket: Ticket, event: TicketEvent, uploads, upload_dir: FileStore, now: datetime) -> None:
    for upload in uploads:
        stored = files.store(upload, upload_dir)
        attachment = Attachment(
            filename=upload.filename,
            stored_name=stored,
            mimetype=upload.mimetype,
            size=len(upload.content),
            public=event.public,
            created_at=now,
        )
        ticket.attachments.append(attachment)
        event.attachments.append(attachment)


def find(session: Session, reference: str, with_thread: bool = False) -> Ticket | None:
    """Return the ticket with this (normalised) reference, or None.

    ``with_thread`` loads its events and their attachments in two more statements, however long.
    """
    query = select(Ticket).where(Ticket.reference == normalise_reference(reference))
    if with_thread:
        query = query.options(selectinload(Ticket.events).selectinload(TicketEvent.attachments))
    return session.scalars(query).first()


def token_grants(ticket: Ticket, token: str | None, now: datetime) -> bool:
    """Tell whether a status-link token opens this ticket's thread."""
    if not token or now > ticket.token_expires_at:
        return False
    return hmac.compare_digest(ticket.token_hash, hash_token(token))


def email_grants(ticket: Ticket, email: str | None) -> bool:
    """Tell whether the given address is the requester's (case-insensitive, constant time)."""
    given = (email or "").strip().lower().encode()
    return hmac.compare_digest(given, ticket.requester_email.lower().encode())


def renew_token(session: Session, ticket: Ticket, now: datetime, days: int = 30, before_commit=None) -> str:
    """Replace the status-link token (the old link stops working); return the new one.

    Every browser that opened the thread through an older link loses it too: the grants made
    from a link are deleted (e-mail-checked grants stay). ``before_commit(token)`` joins the commit.
    """
    token = new_token()
    session.execute(delete(TicketGrant).where(TicketGrant.ticket_id == ticket.id, TicketGrant.token_hash.is_not(None)))
    ticket.token_hash, ticket.token_expires_at = hash_token(token), now + timedelta(days=days)
    if before_commit is not None:
        before_commit(token)
    session.commit()
    return token


def add_requester_reply(
    session: Session, ticket: Ticket, body: str, uploads, upload_dir, now: datetime, calendar: WorkingCalendar,
    window: float = REOPEN_DAYS,
) -> TicketEvent:
    """Add the requester's message; reopen a ticket resolved less than ``window`` days ago."""
    body = body.strip()
    if not body and not uploads:
        raise TicketError(_("Tulis pesan atau pilih lampiran."))
    if refusal := waiting.reply_refusal(ticket, now, window):
        raise TicketError(refusal)
    event = TicketEvent(kind="pesan", public=True, author="pengguna", body=body[:5000], created_at=now)
    ticket.events.append(event)
    _attach(ticket, event, uploads, upload_dir, now)
    notify.tell_assignee_reply(session, ticket, now)
    if ticket.status == STATUS_WAITING:
        # The requester answered: the clock runs again.
        transition(ticket, STATUS_OPEN, actor_id=None, calendar=calendar, now=now, author="pengguna")
    elif ticket.status == STATUS_CLOSED:  # closed unanswered (waiting.py), answered in time
        waiting.reopen(ticket, calendar, now)
    elif ticket.status == STATUS_RESOLVED:
        ticket.events.append(
            TicketEvent(
                kind="status",
                public=True,
                author="pengguna",
                from_status=STATUS_RESOLVED,
                to_status=STATUS_OPEN,
                body="Dibuka kembali oleh pengguna.",
                created_at=now,
            )
        )
        ticket.status, ticket.resolved_at = STATUS_OPEN, None
    ticket.updated_at = now
    session.commit()
    return event


def record_suggestion_opened(session: Session, code: str, slug: str, day) -> None:
    """Count that a suggested article was opened from the form of ``code`` (no personal data)."""
    increment(session, SuggestionOpened, code=code, slug=slug, day=day)


def record_survey(session: Session, ticket: Ticket, rating: int, comment: str, now: datetime) -> Survey:
    """Store the requester's rating of a resolved ticket (once per ticket)."""
    if ticket.status not in (STATUS_RESOLVED, STATUS_CLOSED) or ticket.resolved_at is None:
        raise TicketError(_("Penilaian dapat diberikan setelah tiket selesai."))
    if session.scalars(select(Survey).where(Survey.ticket_id == ticket.id)).first():
        raise TicketError(_("Anda sudah memberi penilaian untuk tiket ini. Terima kasih."))
    if rating not in range(1, 6):
        raise TicketError(_("Nilai harus 1 sampai 5."))
    survey = Survey(ticket_id=ticket.id, rating=rating, comment=comment.strip()[:2000], created_at=now)
    session.add(survey)
    session.commit()
    return survey
