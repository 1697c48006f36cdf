"""The portal's sub-scope → unit mapping: which concrete directorate's queue answers a code.

The catalog names "Direktorat Teknis DJPb" as the owner of BCSM.02 and "Direktorat terkait" as the
owner of BCSM.03: roles, not queues. Administrators map a code to a concrete unit (e.g. BCSM.02.02
to the cash-management directorate); new tickets of that code then land in the mapped queue.
This is a portal mapping, labelled as such on its page, and versioned: every change adds a row
with its actor and time, and the newest version of a code is the one in force.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.catalog.models import Catalog, Service, Subscope
from portal.tickets.routing_models import UnitMapping

UNIT_MAX = 80


class MappingError(ValueError):
    """A mapping cannot be saved; the message is for the administrator."""


def mappable_codes(catalog: Catalog) -> list[Service | Subscope]:
    """Codes a mapping may name: services whose sub-scopes have no unit of their own, and those sub-scopes.

    A sub-scope follows its service's mapping unless it has one itself. The BLU sub-scopes name
    their own units in the catalog, and complaints (WBSM.01) never become tickets.
    """
    nodes: list[Service | Subscope] = []
    for service in catalog.services:
        if service.code != "WBSM.01" and not any(s.owner_unit for s in service.subscopes):
            nodes.extend([service, *service.subscopes])
    return nodes


def history(session: Session) -> list[UnitMapping]:
    """Every version of every mapping, newest first."""
    return list(session.scalars(select(UnitMapping).order_by(UnitMapping.created_at.desc(), UnitMapping.id.desc())))


def current(session: Session) -> dict[str, str]:
    """The mappings in force: code → unit (codes whose newest version is empty are left out)."""
    newest = select(UnitMapping.code, func.max(UnitMapping.version).label("v")).group_by(UnitMapping.code).subquery()
    query = select(UnitMapping.code, UnitMapping.unit).join(
        newest, (UnitMapping.code == newest.c.code) & (UnitMapping.version == newest.c.v)
    )
    return {code: unit for code, unit in session.execute(query) if unit}


def mapped_unit(session: Session, catalog: Catalog, code: str) -> str | None:
    """Return the unit a mapping sends tickets of ``code`` to, or None (the catalog's owner answers).

    A sub-scope without a unit of its own follows its service's mapping unless it has its own.
    """
    node = catalog.get(code)
    wanted = [code]
    if isinstance(node, Subscope) and not node.owner_unit:
        wanted.append(node.service_code)
    elif isinstance(node, Subscope):
        return None  # a BLU sub-scope names its own unit in the catalog
    in_force = current(session)
    return next((in_force[c] for c in wanted if c in in_force), None)


def mapped_units(session: Session) -> list[str]:
    """Units that mappings in force name (they are units of the portal: accounts may join them)."""
    return sorted(set(current(session).values()))


def set_mapping(
    session: Session, catalog: Catalog, *, code: str, unit: str, actor_id: int | None, now: datetime
) -> UnitMapping | None:
    """Add a version of the mapping of ``code`` (empty ``unit``: end it); None when nothing changes."""
    unit = " ".join(unit.split())
    if code not in {n.code for n in mappable_codes(catalog)}:
        raise MappingError(_("Kode %(code)s tidak dapat dipetakan.", code=code))
    if len(unit) > UNIT_MAX:
        raise MappingError(_("Nama unit paling banyak %(n)s karakter.", n=UNIT_MAX))
    before = current(session).get(code, "")
    if before == unit:
        return None
    last = session.scalar(select(func.max(UnitMapping.version)).where(UnitMapping.code == code)) or 0
    row = UnitMapping(code=code, version=last + 1, unit=unit, actor_id=actor_id, created_at=now)
    session.add(row)
    audit.record(
        session,
        actor_id=actor_id,
        action="unit_mapping.set",
        object_type="unit_mapping",
        object_id=code,
        before={"unit": before},
        after={"unit": unit, "version": row.version},
    )
    session.commit()
    return row
