"""Request types as data: read ``permintaan.toml``, check it against the catalog and fields."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.catalog.loader import CatalogError
from portal.catalog.models import Catalog
from portal.tickets.fields import REGISTRY


@dataclass(frozen=True)
class RequestType:
    """A form someone can submit: its fields, the codes it serves, who may use it."""

    key: str
    name: str
    details: tuple[str, ...]
    codes: tuple[str, ...]  # ("*",) = every service and sub-scope
    fields: tuple[str, ...]  # identity + supporting + own fields, in display order
    required: frozenset[str]
    user_types: frozenset[int] | None  # None = whoever the matrix allows
    catalog_key: str
    at_least_one: tuple[str, ...] = ()  # either-or requirement: one of these fields must be filled

    def serves(self, code: str) -> bool:
        """Tell whether this type can be submitted for ``code``."""
        return "*" in self.codes or code in self.codes


def load_request_types(path: Path, catalog: Catalog) -> tuple[RequestType, ...]:
    """Read and validate the request types; raise ``CatalogError`` naming the key."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    defaults = data.get("defaults", {})
    identity = tuple(defaults.get("identity", ("nama", "email")))
    supporting = tuple(defaults.get("supporting", ()))
    published = {r.key: r for r in catalog.request_types}
    types: list[RequestType] = []
    for i, raw in enumerate(data.get("types", [])):
        where = f"{path.name}: types[{i}]"
        key = raw.get("key", "")
        if not key or any(t.key == key for t in types):
            raise CatalogError(f"{where}.key kosong atau ganda ('{key}')")
        source = published.get(raw["from_catalog"]) if "from_catalog" in raw else None
        if "from_catalog" in raw and source is None:
            raise CatalogError(f"{where}.from_catalog '{raw['from_catalog']}' tidak ada di request_types katalog")
        codes = tuple(raw.get("codes") or ((source.service,) if source and source.service else ()))
        for code in codes:
            if code != "*" and code not in catalog.nodes:
                raise CatalogError(f"{where}.codes menyebut kode '{code}' yang tidak ada")
        if not codes:
            raise CatalogError(f"{where} tidak menyebut kode layanan (codes)")
        own = tuple(raw.get("fields", ()))
        fields = tuple(dict.fromkeys((*identity, *supporting, *own)))
        for name in fields:
            if name not in REGISTRY:
                raise CatalogError(f"{where}.fields menyebut kolom '{name}' yang tidak dikenal")
        required = frozenset((*identity, *raw.get("required", ())))
        if not required <= set(fields):
            raise CatalogError(f"{where}.required menyebut kolom yang tidak ada di fields")
        at_least_one = tuple(raw.get("at_least_one", ()))
        if at_least_one and (len(at_least_one) < 2 or not set(at_least_one) <= set(fields) - required):
            raise CatalogError(f"{where}.at_least_one harus menyebut ≥ 2 kolom dari fields yang tidak wajib")
        user_types = raw.get("user_types")
        types.append(
            RequestType(
                key=key,
                name=raw.get("name") or (source.name if source else ""),
                details=tuple(source.details) if source else (),
                codes=codes,
                fields=fields,
                required=required,
                user_types=frozenset(user_types) if user_types else None,
                catalog_key=source.key if source else "",
                at_least_one=at_least_one,
            )
        )
    return tuple(types)


def types_for(types: tuple[RequestType, ...], code: str) -> list[RequestType]:
    """Return the request types that can be submitted for ``code`` (specific ones first)."""
    specific = [t for t in types if "*" not in t.codes and t.serves(code)]
    general = [t for t in types if "*" in t.codes]
    return specific + general


def request_types() -> tuple[RequestType, ...]:
    """Return the request types loaded for this application."""
    return current_app.extensions["request_types"]


def request_type_name(key: str) -> str:
    """The display name of a ticket's request type key ("pembuatan-tiket"); an unknown key as it is."""
    return next((str(t.name) for t in request_types() if t.key == key), key)
