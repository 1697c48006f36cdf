"""Serialise the catalog for ``GET /api/v1/catalog``."""

from __future__ import annotations

from portal.catalog.amendments import Amendment
from portal.catalog.models import Catalog, Service


def catalog_document(catalog: Catalog, amendments: tuple[Amendment, ...] = ()) -> dict:
    """Return the whole catalog as plain JSON-ready data, and beside it the amendments in force.

    The published data is never rewritten: ``eligible_user_types`` is the matrix as published;
    what an amendment in force opens is read from ``amendments``.
    """
    return {
        "title": catalog.title,
        "version": catalog.version,
        "effective": catalog.effective.isoformat(),
        "history": [
            {"version": h.version, "date": h.date.isoformat(), "description": h.description} for h in catalog.history
        ],
        "user_types": [{"id": u.id, "name": u.name, "internal": u.internal} for u in catalog.user_types],
        "families": [{"prefix": f.prefix, "name": f.name} for f in catalog.families],
        "services": [_service(catalog, s) for s in catalog.services],
        "linked_units": [{"number": u.number, "name": u.name, "codes": list(u.codes)} for u in catalog.linked_units],
        "hours": {
            "timezone": catalog.hours.timezone,
            "weekdays": list(catalog.hours.weekdays),
            "open": catalog.hours.open,
            "close": catalog.hours.close,
            "rules": list(catalog.hours.rules),
        },
        "channels": [{"key": c.key, "name": c.name, "details": list(c.details)} for c in catalog.channels],
        "request_types": [
            {
                "key": r.key,
                "name": r.name,
                "details": list(r.details),
                "requirements": list(r.requirements),
                "fields": list(r.fields),
                "channel": r.channel,
                "service_code": r.service or None,
            }
            for r in catalog.request_types
        ],
        "exclusions": list(catalog.exclusions),
        "requirements": [{"text": r.text, "sub": list(r.sub)} for r in catalog.requirements],
        "components": [
            {
                "key": c.key,
                "name": c.name,
                "indicators": list(c.indicators),
                "reliability": list(c.reliability),
            }
            for c in catalog.components
        ],
        "amendments": [
            {
                "id": a.id,
                "codes": list(a.codes),
                "source": a.source,
                "applied": a.applied,
                "reason": a.reason,
                "decided_by": a.decided_by,
                "effective_from": a.effective_from.isoformat(),
                "opens_to_user_types": sorted(a.open_to),
            }
            for a in amendments
        ],
    }


def _service(catalog: Catalog, service: Service) -> dict:
    return {
        "code": service.code,
        "name": service.name,
        "owner": service.owner,
        "definition": service.definition,
        "audience": service.audience,
        "resolution_hours": {"min": service.min_hours, "max": service.max_hours},
        "norm_text": service.norm_text,
        "eligible_user_types": sorted(service.eligible),
        "subscopes": [
            {"code": s.code, "name": s.name, "owner_unit": s.owner_unit or None, "items": list(s.items)}
            for s in service.subscopes
        ],
        "items": list(service.items),
        "limits": service.limits or None,
        "linked_units": [u.name for u in catalog.linked_units_for(service.code)],
    }
