"""The embedded default backend of Flask-Mailman: one ``.eml`` file per message in ``instance/outbox/``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import current_app
from flask_mailman import EmailMessage
from flask_mailman.backends.base import BaseEmailBackend

from portal.core.files import private_dir, write_private


class EmailBackend(BaseEmailBackend):
    """Write each message to ``<instance>/outbox/<outbox id>-<Message-ID>.eml`` (owner-only).

    The outbox id first keeps the files in sending order; a message sent again overwrites its own
    file, so the folder never shows one message twice.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        """Write the messages; return how many were written."""
        folder = Path(current_app.instance_path) / "outbox"
        private_dir(folder)  # the letters carry private status links
        for message in email_messages:
            built = message.message()
            stem = str(built["Message-ID"]).strip("<>").replace("@", "_")
            write_private(folder / f"{getattr(message, 'outbox_id', 0):08d}-{stem}.eml", built.as_bytes())
        return len(email_messages)
