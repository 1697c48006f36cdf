"""``flask mail …``: send the outbox (run it from cron every minute); ``ingest``/``fetch`` read mail to the desk."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.mail import delivery
from portal.mail.incoming_cli import fetch_command, ingest_command

mail_cli = AppGroup("mail", help="Surat elektronik HAI-DJPb: antrean keluar dan surat masuk.")
mail_cli.add_command(ingest_command)  # incoming: portal/mail/incoming_cli.py
mail_cli.add_command(fetch_command)


@mail_cli.command("send")
@click.option("--limit", default=20, show_default=True, help="Messages claimed per batch.")
def send(limit: int) -> None:
    """Send the due messages of the outbox, with retries and backoff; safe to run twice at once."""
    report = delivery.send_due(db.session(), limit=limit)
    click.echo(f"terkirim {report.sent}, dicoba lagi nanti {report.retrying}, gagal {report.failed}")
