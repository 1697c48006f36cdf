"""``flask mail …``: send the outbox (run it from cron every minute)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.mail import delivery

mail_cli = AppGroup("mail", help="Surat elektronik HAI-DJPb: antrean keluar.")


@mail_cli.command("send")
@click.option("--limit", default=20, show_default=True, help="Messages claimed per batch.")
def send(limit: int) -> None:
    """Send the due messages of the outbox, with retries and backoff; safe to run twice at once."""
    report = delivery.send_due(db.session(), limit=limit)
    click.echo(f"terkirim {report.sent}, dicoba lagi nanti {report.retrying}, gagal {report.failed}")
