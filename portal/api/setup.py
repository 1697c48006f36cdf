"""Wire the JSON API into an application: /api/v1, the bearer-token level, ``flask api-token``."""

from __future__ import annotations

from flask import Flask

from portal.api import tickets
from portal.api.cli import api_token_cli
from portal.api.routes import bp
from portal.core.errors import register_json_prefix
from portal.extensions import csrf


def init_app(app: Flask) -> None:
    """Register the API's routes and token level; exempt it from CSRF (bearer tokens, no cookies)."""
    tickets.init_app(app)
    app.register_blueprint(bp)
    # The API carries no session cookie: reads are public, writes need a bearer token, so a
    # cross-site page cannot forge them; CSRF protects forms.
    csrf.exempt(bp)
    register_json_prefix(app, "/api/")
    app.cli.add_command(api_token_cli)
