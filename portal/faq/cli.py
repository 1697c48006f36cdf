"""``flask kb import`` and ``flask kb export``: the kb/ baseline to the database and back."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.extensions import db
from portal.faq import sync
from portal.kb.index import kb_path


@click.command("import")
@with_appcontext
def import_command() -> None:
    """Load kb/ into the database; never overwrites an article edited in the back office."""
    session = db.session()
    report = sync.import_baseline(session, kb_path(current_app))
    session.commit()
    for conflict in report.conflicts:
        click.echo(f"KONFLIK: {conflict}")
    click.echo(f"{len(report.created)} baru, {len(report.updated)} diperbarui, {report.unchanged} tetap, "
               f"{len(report.conflicts)} konflik.")  # fmt: skip


@click.command("export")
@with_appcontext
def export_command() -> None:
    """Write every published article to kb/ as Markdown with TOML front matter."""
    session = db.session()
    count = sync.export_published(session, kb_path(current_app))
    session.commit()
    click.echo(f"{count} artikel terbit ditulis ke {kb_path(current_app)}.")
