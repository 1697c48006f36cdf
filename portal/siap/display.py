"""SIAP pages load every asset from ``/siap/aset``, so no request of a SIAP visit leaves ``/siap``.

The access-log filter (``privacy``) drops lines under ``/siap``. A stylesheet fetched from
``/static`` would be logged with the visitor's address and second (only SIAP pages load
``siap.css``), so while a SIAP page renders, ``url_for('static', …)`` in templates resolves
under ``/siap/aset`` instead. The files are the application's own static folder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from flask import Flask, Response, abort, current_app, has_request_context, request, send_from_directory

from portal.core.access import PUBLIC, access
from portal.siap import privacy

ENDPOINT = "siap_aset.asset"  # ``asset`` below, on the ``siap_aset`` blueprint of ``routes.py``


@access(PUBLIC)
def asset(filename: str) -> Response:
    """Send a file of the static folder (no-store, like every SIAP answer)."""
    folder = current_app.static_folder
    if folder is None:  # an app without a static folder has no assets to send
        abort(404)
    return send_from_directory(folder, filename)


def siap_url_for(original: Callable[..., str]) -> Callable[..., str]:
    """Wrap the templates' ``url_for`` so static files of SIAP pages resolve under ``/siap/aset``."""

    def url_for(endpoint: str, **values: Any) -> str:
        if endpoint == "static" and has_request_context() and privacy.is_siap_path(request.path):
            endpoint = ENDPOINT
        return original(endpoint, **values)

    return url_for


def init_app(app: Flask) -> None:
    """Make SIAP pages point at their assets (``siap_aset``, registered by ``setup``, serves them)."""
    original = cast(Callable[..., str], app.jinja_env.globals["url_for"])  # Flask's, set by create_jinja_environment
    app.jinja_env.globals["url_for"] = siap_url_for(original)
