"""Fixtures of the mail tests: a real SMTP server (aiosmtpd) on loopback, started and stopped at will."""

from __future__ import annotations

import email
import os
import socket
from email import policy
from email.message import EmailMessage

import pytest


def free_port() -> int:
    """A loopback TCP port nobody listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """An aiosmtpd handler that keeps every message it accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP sink on 127.0.0.1:``port`` that a test starts (the server comes up) and stops (it goes down)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sink = Sink()
        self.controller = None

    def start(self) -> None:
        """Start listening on the port."""
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening: the port refuses connections again."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        """The messages accepted so far, in order."""
        return self.sink.messages


@pytest.fixture
def smtp_server():
    """An SMTP sink on a free loopback port, not started: ``start()`` brings it up, ``stop()`` down.

    aiosmtpd comes with the ``test`` extra; without it the test is skipped, except in CI.
    """
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("aiosmtpd is not installed (pip install -e '.[test]')")
    server = SmtpServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def smtp_app(make_app, smtp_server):
    """An app that sends through the SMTP server of ``smtp_server`` (plain SMTP on loopback)."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False, MAIL_TIMEOUT=5)
