"""JSON endpoints under ``/api/v1``."""

from __future__ import annotations

import json

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _

from portal.api.openapi import document
from portal.api.service import catalog_document
from portal.catalog.service import amendments_in_force, get_catalog
from portal.core.numbers import to_int
from portal.extensions import db
from portal.kb import service as kb_rules
from portal.tickets.types import request_types


def catalog():
    """Return the whole catalog as JSON, with an ETag for cheap revalidation."""
    amendments = amendments_in_force()
    cached = current_app.extensions.get("catalog_json")
    # The catalog is immutable for the life of the process: serialise it once per set of
    # amendments in force (which changes only when an amendment's date comes).
    if cached is None or cached[0] != amendments:
        document = catalog_document(current_app.extensions["catalog"], amendments)
        cached = (amendments, json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode())
        current_app.extensions["catalog_json"] = cached
    body = cached[1]
    response = Response(body, mimetype="application/json")
    response.add_etag()
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


def openapi():
    """Return the OpenAPI 3.1 document of this API."""
    body = current_app.extensions.get("openapi_json")
    if body is None:  # like the catalog it describes: fixed for the life of the process
        spec = document(get_catalog(), request_types())
        body = current_app.extensions["openapi_json"] = json.dumps(spec, ensure_ascii=False).encode()
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


MAX_LIMIT = 50


def _bad_request(message: str):
    return jsonify(error=_("Permintaan tidak valid"), message=message, status=400), 400


def search():
    """Search the FAQ and the catalog: ``?q=…&code=…&limit=…``, best first."""
    try:
        query = kb_rules.clean_query(request.args.get("q"))
    except kb_rules.QueryError as exc:
        return _bad_request(str(exc))
    raw_limit = request.args.get("limit", "10")
    limit = to_int(raw_limit, 1, MAX_LIMIT)
    if limit is None:
        return _bad_request(_("Parameter limit harus bilangan 1–%(max)s.", max=MAX_LIMIT))
    code = request.args.get("code") or None
    catalog = current_app.extensions["catalog"]
    if code and code not in catalog.nodes and code not in {f.prefix for f in catalog.families}:
        return _bad_request(_("Kode layanan '%(code)s' tidak dikenal.", code=code))
    result = current_app.extensions["search"].search(query, scope=code, per_page=limit)
    if result.missed:  # nothing found, or found only through a spelling suggestion
        from portal.core.clock import today

        kb_rules.record_miss(db.session(), query, today())
    return jsonify(
        query=result.query,
        suggestion=result.suggestion,
        results=[
            {"kind": h.kind, "title": h.title, "url": h.url, "codes": list(h.codes), "snippet": h.snippet}
            for h in result.hits
        ],
    )
