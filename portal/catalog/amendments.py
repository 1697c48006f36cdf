"""The desk's amendments and readings of the catalog, kept apart from the published data.

The catalog file (``katalog-<versi>.toml``) stays exactly as published. Where the document
contradicts itself and the desk decides to apply something else, the decision is recorded in
``amandemen-<versi>.toml``: what the source says, what the desk applies, why, who decided and
from which date. Only an amendment with ``status = "berlaku"`` whose date has come changes what
the portal does; with none in force the portal behaves exactly as published.

Readings (``[[readings]]``) are different: they change nothing the document says, they state
how the portal reads an ambiguous passage, so that the consistency report can show it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from portal.catalog.loader import CatalogError, _get, _strings
from portal.catalog.models import Catalog

IN_FORCE = "berlaku"
STATUSES = (IN_FORCE, "usulan", "dicabut")


@dataclass(frozen=True)
class Amendment:
    """One decision of the service manager on how a source error is applied."""

    id: str
    codes: tuple[str, ...]
    source: str  # what the published document says
    applied: str  # what the desk applies instead
    reason: str
    decided_by: str
    effective_from: date
    status: str  # "berlaku" (in force from effective_from), "usulan" (proposal) or "dicabut"
    open_to: frozenset[int]  # user types the amendment opens ``codes`` to (may be empty)

    def in_force(self, today: date) -> bool:
        """Tell whether this amendment applies on ``today``."""
        return self.status == IN_FORCE and self.effective_from <= today

    def touches(self, catalog: Catalog, code: str) -> bool:
        """Tell whether the page of ``code`` is affected (the code, its service or its sub-scopes)."""
        service = catalog.service_of(code)
        related = {code}
        if service is not None:
            related.add(service.code)
            if service.code == code:
                related |= {s.code for s in service.subscopes}
        return bool(related & set(self.codes))

    def opens(self, catalog: Catalog, code: str) -> frozenset[int]:
        """Return the user types this amendment opens ``code`` to (a service's amendment covers its sub-scopes)."""
        service = catalog.service_of(code)
        applies = code in self.codes or (service is not None and service.code in self.codes)
        return self.open_to if applies else frozenset()


@dataclass(frozen=True)
class Reading:
    """How the portal reads an ambiguous passage of the published document."""

    code: str
    source: str
    reading: str
    reason: str


@dataclass(frozen=True)
class Amendments:
    """Everything in one amendments file."""

    catalog_version: str
    amendments: tuple[Amendment, ...]
    readings: tuple[Reading, ...]

    def in_force(self, today: date) -> tuple[Amendment, ...]:
        """Return the amendments that apply on ``today``."""
        return tuple(a for a in self.amendments if a.in_force(today))


def load_amendments(path: Path, catalog: Catalog) -> Amendments:
    """Read and check one amendments file against its catalog (once per application)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CatalogError(f"amandemen: berkas {path.name} tidak ada") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"amandemen: {path.name} bukan TOML yang sah: {exc}") from exc
    return build_amendments(data, catalog)


def build_amendments(data: dict, catalog: Catalog) -> Amendments:
    """Turn parsed TOML into checked ``Amendments``; raise ``CatalogError`` naming the key."""
    version = _get(_get(data, "meta", dict, ""), "catalog_version", str, "meta")
    if version != catalog.version:
        raise CatalogError(f"amandemen: 'meta.catalog_version' {version} bukan versi katalog {catalog.version}")
    amendments: list[Amendment] = []
    for i, raw in enumerate(_get(data, "amendments", list, "", default=[])):
        where = f"amendments[{i}]"
        ident = _get(raw, "id", str, where)
        if any(a.id == ident for a in amendments):
            raise CatalogError(f"amandemen: id '{ident}' ganda di '{where}.id'")
        codes = _strings(raw, "codes", where)
        unknown = [c for c in codes if c not in catalog.nodes]
        if not codes or unknown:
            raise CatalogError(f"amandemen: '{where}.codes' kosong atau menyebut kode yang tidak ada {unknown}")
        status = _get(raw, "status", str, where)
        if status not in STATUSES:
            raise CatalogError(f"amandemen: '{where}.status' harus salah satu dari {list(STATUSES)}")
        open_to = _get(raw, "open_to", list, where, default=[])
        if any(not isinstance(u, int) or catalog.user_type(u) is None for u in open_to):
            raise CatalogError(f"amandemen: '{where}.open_to' menyebut jenis pengguna yang tidak ada")
        amendments.append(
            Amendment(
                id=ident,
                codes=codes,
                source=_get(raw, "source", str, where),
                applied=_get(raw, "applied", str, where),
                reason=_get(raw, "reason", str, where),
                decided_by=_get(raw, "decided_by", str, where),
                effective_from=_get(raw, "effective_from", date, where),
                status=status,
                open_to=frozenset(open_to),
            )
        )
    readings = []
    for i, raw in enumerate(_get(data, "readings", list, "", default=[])):
        where = f"readings[{i}]"
        code = _get(raw, "code", str, where)
        if code and code not in catalog.nodes:
            raise CatalogError(f"amandemen: '{where}.code' menyebut kode '{code}' yang tidak ada")
        readings.append(
            Reading(
                code=code,
                source=_get(raw, "source", str, where),
                reading=_get(raw, "reading", str, where),
                reason=_get(raw, "reason", str, where),
            )
        )
    return Amendments(catalog_version=version, amendments=tuple(amendments), readings=tuple(readings))
