"""Wire FAQ authoring into an application: back office pages, ``flask kb import/export``, hooks."""

from __future__ import annotations

from flask import Flask

from portal.extensions import db
from portal.faq import live, public, service
from portal.faq.cli import export_command, import_command
from portal.faq.routes import bp
from portal.kb.cli import kb_cli


def init_app(app: Flask) -> None:
    """Register /staf/faq, the import/export commands, the first-start import, archived redirects, following."""
    app.register_blueprint(bp)
    kb_cli.add_command(import_command)
    kb_cli.add_command(export_command)
    app.extensions.setdefault("after_migrate", []).append(public.import_on_first_start)

    def successor(slug: str) -> str | None:
        target = service.successor_of(db.session(), slug)
        return f"/faq/{target.code}/{target.slug}" if target is not None else None

    app.extensions["kb_successor"] = successor

    @app.before_request
    def follow_public_changes() -> None:
        live.follow(app)

    marks = app.extensions.setdefault("page_marks", {})
    marks["kb.article"] = lambda args: live.page_mark(app, args.get("slug", ""))
    for endpoint in ("kb.index", "kb.code"):  # lists: any public change may add or remove an article
        marks[endpoint] = lambda _args: live.follower(app).applied
