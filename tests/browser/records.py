"""What the journeys set up in, and read back from, the served portal: accounts, tickets, letters.

Everything goes through the portal's own service layer inside ``site.app``'s context, and every
read uses SQLAlchemy 2.0 ``select()``; each helper removes its session so the live server thread
and the test never share one.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket

PASSWORD = "kata-sandi-rahasia-1"
# A due time as the portal writes it: "Senin, 30 November 2026 pukul 10.00 WIB".
DUE_TEXT = re.compile(r"^\w+, \d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WIB$")
REFERENCE = re.compile(r"^HAI-\d{4}-[0-9A-HJKMNP-TV-Z]{8}$")


def tiny_png() -> bytes:
    """A valid 1 × 1 white PNG (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        """One PNG chunk: length, type, data, CRC-32 of type and data."""
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1 × 1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def create_account(site, *, email: str, role: str, units: tuple[str, ...], name: str) -> int:
    """Create an account (password ``PASSWORD``) the way ``flask users create`` does; return its id."""
    from portal.auth import service

    with site.app.app_context():
        user = service.create_user(
            db.session,
            email=email,
            name=name,
            role=role,
            password=PASSWORD,
            units=list(units),
            known_units=service.owner_units(site.app.extensions["catalog"]),
            user_type=None,
            ph=service.hasher(site.app.config["ARGON2_MEMORY_KIB"]),
        )
        user_id = user.id
        db.session.remove()
        return user_id


def create_ticket(site, *, code: str, email: str, subject: str, detail: str, user_type: int = 1) -> str:
    """File a generic request through the service layer and send its confirmation; return the reference.

    The request context carries the live server's address, so the private link in the letter
    is one the browser can open. The confirmation is committed with the ticket; with no request
    to send it after, ``send_due`` stands for the cron job's ``flask mail send``.
    """
    from werkzeug.datastructures import MultiDict

    from portal.mail import delivery
    from portal.tickets.forms import form_class
    from portal.tickets.submit import create_from_form

    app = site.app
    with app.test_request_context("/", base_url=site.base_url):
        rtype = next(t for t in app.extensions["request_types"] if t.key == "pembuatan-tiket")
        values = {"pengguna": str(user_type), "nama": "Sari Wulandari", "email": email, "subjek": subject,
                  "detail": detail}  # fmt: skip
        form = form_class(rtype, app.extensions["catalog"].user_types)(formdata=MultiDict(values), meta={"csrf": False})
        assert form.validate(), form.errors
        created = create_from_form(form, rtype, code, uploads=[], channel="portal")
        reference = created.ticket.reference
        delivery.send_due(db.session())
        db.session.remove()
        return reference


@dataclass(frozen=True)
class Stored:
    """What the database holds for one ticket, read in one go."""

    status: str
    fulfilment: str | None
    resolved_at: datetime | None
    due_at: datetime
    due_text: str  # the due time as the portal writes it in Indonesian
    norm_hours: float  # the service's norma waktu (upper bound), in working hours
    hours_to_due: float  # working hours from receipt to the due time, by the portal's calendar
    due_on_working_day: bool
    events: list[tuple[str, str, bool, str]]  # (kind, author, public, body), in order
    attachments: list[tuple[str, str, bytes]]  # (file name, MIME type, stored content)


def stored_ticket(site, reference: str) -> Stored:
    """Read a ticket, its events and its attachments (with the bytes on disk) from the database."""
    from portal.core.desk import get_calendar
    from portal.core.timefmt import format_wib

    app = site.app
    with app.test_request_context("/"):
        ticket = db.session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        folder = Path(app.instance_path) / "uploads" / "tickets"
        calendar = get_calendar()
        stored = Stored(
            status=ticket.status,
            fulfilment=ticket.fulfilment,
            resolved_at=ticket.resolved_at,
            due_at=ticket.due_at,
            due_text=format_wib(ticket.due_at),
            norm_hours=app.extensions["catalog"].service_of(ticket.code).max_hours,
            hours_to_due=calendar.working_hours_between(ticket.received_at, ticket.due_at),
            due_on_working_day=calendar.is_working_day(ticket.due_at.astimezone(calendar.tz).date()),
            events=[(e.kind, e.author, e.public, e.body) for e in ticket.events],
            attachments=[(a.filename, a.mimetype, (folder / a.stored_name).read_bytes()) for a in ticket.attachments],
        )
        db.session.remove()
        return stored


def letters(site, to: str, reference: str) -> list[EmailMessage]:
    """The outbox letters to ``to`` about ticket ``reference``, oldest first."""
    folder = Path(site.app.instance_path) / "outbox"
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    found = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths]
    return [m for m in found if m["To"] == to and f"[{reference}]" in m["Subject"]]


def private_link(letter: EmailMessage) -> str:
    """The private status link ``/status/<ref>?t=…`` written in a letter."""
    match = re.search(r"https?://\S+/status/HAI-[^\s?]+\?t=\S+", letter.get_content())
    assert match, "the letter carries no private status link:\n" + letter.get_content()
    return match.group(0)
