"""Reading one incoming message: the standard library's ``email`` with ``policy.default``.

Pure functions, no database: ``parse(raw)`` returns what the desk needs from a message (sender,
subject, thread headers, the text of the reply with its quoted history trimmed, attachments,
and what kind of message it is), or raises ``Unparseable`` for a message that must go to
quarantine. HTML-only mail becomes text with inscriptis (it lays out blocks and tables the way
a reader sees them, drops scripts and styles); quoted history goes with ``portal.mail.trim``.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import errors, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Any

import inscriptis

from portal.mail import trim

# Defects after which the parser's reading of the structure cannot be trusted: a multipart
# without (or with a missing) boundary turns the whole body into one undecodable blob.
FATAL_DEFECTS = (
    errors.NoBoundaryInMultipartDefect,
    errors.StartBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
)
MAX_SUBJECT = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_RUN = re.compile(r"\n{3,}")
_MSGID = re.compile(r"<([^<>\s]+)>")


class Unparseable(ValueError):
    """The message cannot be read reliably; it goes to quarantine with its raw bytes."""


@dataclass(frozen=True)
class Part:
    """An attached file as it came in the message."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification: the addresses that failed and the message they answer."""

    recipients: tuple[str, ...]
    original_ids: tuple[str, ...]
    diagnostic: str


@dataclass(frozen=True)
class Parsed:
    """What the desk reads from one message."""

    message_id: str | None
    sender_name: str
    sender: str  # lower-cased address
    subject: str
    text: str  # the whole body as text
    reply: str  # the body without quoted history and signature
    references: tuple[str, ...] = ()  # In-Reply-To first, then References, newest first
    attachments: tuple[Part, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # the few the guards read, lower-cased names
    bounce: Bounce | None = None


def message_ids(value: str | None) -> list[str]:
    """The ``<id>`` tokens of a Message-ID/In-Reply-To/References header, without brackets."""
    return _MSGID.findall(value or "")


def clean_text(text: str) -> str:
    """Plain text safe to store: no control characters, normalised line ends, trimmed."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Turn an HTML body into the text a reader sees (scripts, styles and markup dropped)."""
    return clean_text(inscriptis.get_text(html))


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (errors.HeaderParseError, ValueError, IndexError) as exc:  # a header policy.default cannot read
        raise Unparseable(f"header {name}: {exc}") from exc


def _sender(message: EmailMessage) -> tuple[str, str]:
    raw = _header(message, "From")
    pairs = getaddresses([raw]) or [parseaddr(raw)]
    name, address = pairs[0] if pairs else ("", "")
    address = address.strip().lower()
    if "@" not in address or address.startswith("@") or address.endswith("@") or " " in address:
        raise Unparseable("no usable From address")
    return clean_text(name)[:120], address[:254]


def _decoded(part: Any) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    return content if isinstance(content, str) else content.decode("utf-8", errors="replace")


def _body_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    text = _decoded(body)
    return html_to_text(text) if body.get_content_subtype() == "html" else clean_text(text)


def _attachments(message: EmailMessage) -> tuple[Part, ...]:
    parts = []
    for part in message.iter_attachments():
        if part.get_content_maintype() in ("multipart", "message") or part.get_content_type() == "text/rfc822-headers":
            continue  # forwarded messages and report parts are not files the requester sent
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        parts.append(Part(part.get_filename() or "lampiran", part.get_content_type(), payload))
    return tuple(parts)


def _bounce(message: EmailMessage) -> Bounce | None:
    if message.get_content_type() != "multipart/report" or message.get_param("report-type") != "delivery-status":
        return None
    recipients: list[str] = []
    originals: list[str] = []
    diagnostic = ""
    part: Any  # the parts of a report: header blocks and messages, whatever the stubs say
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            block: Any
            for block in part.get_payload():  # one header block per message, then one per recipient
                if str(block.get("Action", "")).strip().lower() == "failed":
                    recipients.append(parseaddr(str(block.get("Final-Recipient", "")).split(";")[-1])[1].lower())
                    diagnostic = diagnostic or str(block.get("Diagnostic-Code", "")).strip()
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            original: Any = (
                part.get_payload()[0]
                if kind == "message/rfc822"
                else email.message_from_string(_decoded(part), policy=policy.default)
            )
            originals += message_ids(str(original.get("Message-ID", "")))
    return Bounce(tuple(r for r in recipients if r), tuple(originals), diagnostic[:500])


def parse(raw: bytes) -> Parsed:
    """Read one RFC 5322 message; raise ``Unparseable`` when it cannot be read reliably."""
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # noqa: BLE001 - any parser failure means quarantine, never a crash
        raise Unparseable(str(exc)) from exc
    if not isinstance(message, EmailMessage) or not message.keys():
        raise Unparseable("no headers")
    for part in message.walk():
        fatal = [d for d in part.defects if isinstance(d, FATAL_DEFECTS)]
        if fatal:
            raise Unparseable(type(fatal[0]).__name__)
    name, sender = _sender(message)
    try:
        text = _body_text(message)
        attachments = _attachments(message)
        bounce = _bounce(message)
    except (errors.MessageError, LookupError, UnicodeError, ValueError, AttributeError, IndexError) as exc:
        raise Unparseable(f"body: {exc}") from exc
    ids = message_ids(_header(message, "Message-ID"))
    subject = " ".join(clean_text(_header(message, "Subject")).split())[:MAX_SUBJECT]
    references = [*message_ids(_header(message, "In-Reply-To")), *reversed(message_ids(_header(message, "References")))]
    guards = ("auto-submitted", "precedence", "x-autoreply", "x-autorespond", "list-id", "return-path")
    return Parsed(
        message_id=ids[0][:250] if ids else None,
        sender_name=name,
        sender=sender,
        subject=subject,
        text=text,
        reply=trim.latest_reply(text),
        references=tuple(dict.fromkeys(references)),
        attachments=attachments,
        headers={h: _header(message, h).strip() for h in guards if message.get(h) is not None},
        bounce=bounce,
    )
