"""Outgoing e-mail: SMTP when configured, otherwise ``.eml`` files in ``instance/outbox``."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import Flask
from flask_babel import gettext as _

from portal.core.clock import now
from portal.core.files import private_dir, write_private


def letter(name: str, *paragraphs: str) -> str:
    """Frame the lines of a message to ``name`` with the greeting and the signature."""
    return "\n".join([_("Yth. %(name)s,", name=name), "", *paragraphs, "", _("Salam,"), _("HAI-DJPb")])


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """Return a plain-text UTF-8 message."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    # The application's clock, so a frozen or replayed clock dates the letters it writes too.
    message["Date"] = format_datetime(now())
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(body)
    return message


def send_mail(app: Flask, to: str, subject: str, body: str) -> Path | None:
    """Send a message; return the outbox file when no SMTP server is configured."""
    message = build_message(app.config["MAIL_SENDER"], to, subject, body)
    host = app.config.get("MAIL_SERVER")
    if host:
        port = int(app.config.get("MAIL_PORT", 587))
        with smtplib.SMTP(host, port, timeout=15) as smtp:
            if app.config.get("MAIL_USE_TLS", True):
                smtp.starttls(context=ssl.create_default_context())
            if app.config.get("MAIL_USERNAME"):
                smtp.login(app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return None
    outbox = Path(app.instance_path) / "outbox"
    private_dir(outbox)  # the letters carry private status links
    path = outbox / f"{message['Message-ID'].strip('<>').replace('@', '_')}.eml"
    write_private(path, message.as_bytes())
    return path
