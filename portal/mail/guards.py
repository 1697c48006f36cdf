"""Which incoming messages must never get an automatic reply (RFC 3834), and why.

Answering a robot is how mail loops start: an out-of-office that answers our confirmation,
which answers it back. These header checks are pure; the per-address hourly cap, which needs
the database, is in ``portal.mail.inbound``.
"""

from __future__ import annotations

from portal.mail.parse import Parsed

ROBOT_LOCAL_PARTS = ("mailer-daemon", "postmaster")
BULK_PRECEDENCE = ("bulk", "junk", "list")


def robot_sender(address: str) -> bool:
    """Tell whether an address is a mail system's own (bounces, postmaster)."""
    local = address.split("@", 1)[0].lower()
    return local in ROBOT_LOCAL_PARTS or local.startswith("mailer-daemon")


def no_reply_reason(parsed: Parsed) -> str | None:
    """Return why this message gets no automatic reply, or None when one may be sent."""
    headers = parsed.headers
    auto = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("x-autoreply", "x-autorespond", "list-id"):
        if name in headers:
            return name
    if robot_sender(parsed.sender):
        return "MAILER-DAEMON/postmaster"
    if headers.get("return-path", "").strip() == "<>":
        return "Return-Path: <>"  # a null sender: the message is itself a notification
    if parsed.bounce is not None:
        return "delivery report"
    return None
