"""JSON endpoints under ``/api/v1``."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request

from portal.api.service import catalog_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/catalog")
def catalog():
    """Return the whole catalog as JSON, with an ETag for cheap revalidation."""
    body = current_app.extensions.get("catalog_json")
    if body is None:
        # The catalog is immutable for the life of the process: serialise it once.
        document = catalog_document(current_app.extensions["catalog"])
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        current_app.extensions["catalog_json"] = body
    response = Response(body, mimetype="application/json")
    response.add_etag()
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)
