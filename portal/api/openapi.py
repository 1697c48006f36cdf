"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Service codes and request types are enumerated from the loaded catalog, so the document always
names the values this deployment accepts (and a generator such as schemathesis reaches past the
422 for an unknown code). ``tests/test_openapi.py`` validates it and fuzzes the API against it.
"""

from __future__ import annotations

from portal.tickets.models import TicketStatus

MAX_SEARCH_LIMIT = 50  # portal.api.views.MAX_LIMIT

_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with the desk's offset (+07:00)."}
_TEXT_LIST = {"type": "array", "items": {"type": "string"}}


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }


def _error(description: str) -> dict:
    return _json("Error", description)


def _errors(*codes: int) -> dict:
    texts = {
        400: "Malformed request: bad parameter, body that is not a JSON object, bad Idempotency-Key.",
        401: "Missing, unknown or revoked bearer token.",
        404: "No such ticket.",
        413: "Body larger than the server accepts.",
        422: "Understood but refused; `fields` names each field's problems.",
        429: "Rate limit reached; retry later.",
    }
    return {str(code): _error(texts[code]) for code in codes}


def _schemas(service_codes: list[str], request_types: list[str]) -> dict:
    summary = {
        "type": "object",
        "required": ["reference", "service_code", "status", "received_at", "due_at", "updated_at"],
        "properties": {
            "reference": {"type": "string", "examples": ["HAI-2611-7KQ4M9XD"]},
            "service_code": {"type": "string"},
            "status": {"type": "string", "enum": [str(status) for status in TicketStatus]},
            "received_at": _TIME,
            "due_at": {**_TIME, "description": "Received time plus the service's norm, in working hours."},
            "updated_at": _TIME,
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error", "message", "status"],
            "properties": {
                "error": {"type": "string"},
                "message": {"type": "string"},
                "status": {"type": "integer"},
                "fields": {"type": "object", "additionalProperties": _TEXT_LIST},
            },
        },
        "TicketSummary": summary,
        "TicketCreated": {
            "allOf": [
                {"$ref": "#/components/schemas/TicketSummary"},
                {
                    "type": "object",
                    "required": ["status_url"],
                    "properties": {
                        "status_url": {
                            "type": "string",
                            "format": "uri",
                            "description": "The requester's private thread link; treat it as a secret.",
                        }
                    },
                },
            ]
        },
        "TicketRequest": {
            "type": "object",
            "required": ["request_type", "service_code", "user_type", "fields"],
            "properties": {
                "request_type": {"type": "string", "enum": request_types},
                "service_code": {"type": "string", "enum": service_codes},
                "user_type": {"type": "integer", "description": "A user type id of the catalog (1–10)."},
                "fields": {
                    "type": "object",
                    "description": "The request type's form fields (nama, email, subjek, detail, …) as text.",
                    "additionalProperties": {"type": "string"},
                },
            },
        },
        "SearchResults": {
            "type": "object",
            "required": ["query", "suggestion", "results"],
            "properties": {
                "query": {"type": "string"},
                "suggestion": {"type": ["string", "null"]},
                "results": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["kind", "title", "url", "codes", "snippet"],
                        "properties": {
                            "kind": {"type": "string"},
                            "title": {"type": "string"},
                            "url": {"type": "string"},
                            "codes": _TEXT_LIST,
                            "snippet": {"type": "string"},
                        },
                    },
                },
            },
        },
        "Catalog": {
            "type": "object",
            "description": "The whole service catalog (Katalog Layanan Pengguna HAI-DJPb).",
            "required": ["title", "version", "effective", "services", "request_types"],
            "properties": {
                "title": {"type": "string"},
                "version": {"type": "string"},
                "effective": {"type": "string", "format": "date"},
                "services": {"type": "array", "items": {"type": "object"}},
                "request_types": {"type": "array", "items": {"type": "object"}},
                "amendments": {
                    "type": "array",
                    "description": "The service manager's amendments in force today, beside the data as published.",
                    "items": {"type": "object"},
                },
            },
        },
    }


def document(catalog, request_types) -> dict:
    """Return the OpenAPI 3.1 document of the JSON API for this catalog and these request types."""
    codes = sorted({s.code for s in catalog.services} | {sub.code for s in catalog.services for sub in s.subscopes})
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portal HAI-DJPb API",
            "version": "1",
            "description": "Catalog, search and tickets for channel integrations. Errors are JSON `Error` objects.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "`flask api-token create`"}
            },
            "schemas": _schemas(codes, sorted({t.key for t in request_types})),
        },
        "paths": {
            "/catalog": {
                "get": {
                    "operationId": "getCatalog",
                    "summary": "The whole catalog, with an ETag.",
                    "responses": {
                        "200": _json("Catalog", "The catalog."),
                        "304": {"description": "Unchanged since the ETag sent in If-None-Match."},
                        **_errors(429),
                    },
                }
            },
            "/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search the FAQ and the catalog, best first.",
                    "parameters": [
                        {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200}},
                        {"name": "code", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH_LIMIT, "default": 10},
                        },
                    ],
                    "responses": {"200": _json("SearchResults", "Matches."), **_errors(400, 429)},
                }
            },
            "/tickets": {
                "post": {
                    "operationId": "createTicket",
                    "summary": "Create a ticket for a requester identified by the integration.",
                    "security": bearer,
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "description": (
                                "16–255 printable ASCII characters, e.g. a UUID. A retry with the same key and "
                                "body within IDEMPOTENCY_KEY_HOURS answers the first 201 again, with "
                                "`Idempotent-Replayed: true`; the same key with another body is a 422."
                            ),
                            "schema": {"type": "string", "minLength": 16, "maxLength": 255, "pattern": "^[!-~]+$"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TicketRequest"}}},
                    },
                    "responses": {
                        "201": {
                            **_json(
                                "TicketCreated", "Created (or, with a replayed Idempotency-Key, the first answer)."
                            ),
                            "headers": {
                                "Idempotent-Replayed": {
                                    "description": "`true` when this answer repeats an earlier one.",
                                    "schema": {"type": "string", "enum": ["true"]},
                                }
                            },
                        },
                        **_errors(400, 401, 413, 422, 429),
                    },
                }
            },
            "/tickets/{reference}": {
                "get": {
                    "operationId": "getTicket",
                    "summary": "The summary of one ticket (no personal data).",
                    "security": bearer,
                    "parameters": [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json("TicketSummary", "The ticket."), **_errors(400, 401, 404, 429)},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document.",
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                }
            },
        },
    }
