"""Parse the catalog data file into immutable objects and refuse a broken one.

Every check raises ``CatalogError`` naming the offending key, so a bad edit stops the
application at start-up with a message the editor can act on.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from portal.catalog import models as m

SERVICE_CODE = re.compile(r"^[A-Z]{4}\.\d{2}$")
SUBSCOPE_CODE = re.compile(r"^[A-Z]{4}\.\d{2}\.\d{2}$")
MATRIX_TOKENS = {"o": True, "x": False}


class CatalogError(ValueError):
    """The catalog data file is malformed; the message names the key."""


def _get(table: dict, key: str, kind: type | tuple[type, ...], where: str, default: Any = ...):
    """Fetch ``table[key]`` checking its type; name ``where.key`` in the error."""
    name = f"{where}.{key}" if where else key
    if key not in table:
        if default is not ...:
            return default
        raise CatalogError(f"katalog: kunci '{name}' tidak ada")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CatalogError(f"katalog: kunci '{name}' bertipe salah ({type(value).__name__})")
    return value


def _strings(table: dict, key: str, where: str, default: Any = ...) -> tuple[str, ...]:
    values = _get(table, key, list, where, default=[] if default is not ... else ...)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise CatalogError(f"katalog: kunci '{where}.{key}[{i}]' harus berupa teks")
    return tuple(values)


@lru_cache(maxsize=8)
def load_catalog(path: Path) -> m.Catalog:
    """Read, validate and freeze one catalog file (cached per process and path)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"katalog: {path.name} bukan TOML yang sah: {exc}") from exc
    return build_catalog(data)


def build_catalog(data: dict) -> m.Catalog:
    """Turn parsed TOML into a validated ``Catalog``."""
    head = _get(data, "catalog", dict, "")
    user_types = _user_types(data)
    services = _services(data, len(user_types))
    nodes: dict[str, m.Service | m.Subscope] = {}
    for service in services:
        own: tuple[m.Service | m.Subscope, ...] = (service, *service.subscopes)
        for node in own:
            if node.code in nodes:
                raise CatalogError(f"katalog: kode '{node.code}' ganda")
            nodes[node.code] = node
    families = tuple(
        m.Family(prefix=_get(f, "prefix", str, f"families[{i}]"), name=_get(f, "name", str, f"families[{i}]"))
        for i, f in enumerate(_get(data, "families", list, ""))
    )
    prefixes = {f.prefix for f in families}
    for service in services:
        if service.family_prefix not in prefixes:
            raise CatalogError(
                f"katalog: kelompok '{service.family_prefix}' untuk '{service.code}' tidak ada di 'families'"
            )
    linked = _linked_units(data, nodes)
    request_types = _request_types(data, nodes)
    matrix = _get(data, "matrix", dict, "")
    exclusions = _get(data, "exclusions", dict, "")
    requirements = _get(data, "requirements", dict, "")
    return m.Catalog(
        title=_get(head, "title", str, "catalog"),
        version=_get(head, "version", str, "catalog"),
        effective=_get(head, "effective", date, "catalog"),
        document_owner=_get(head, "document_owner", str, "catalog"),
        disclaimer=_get(head, "disclaimer", str, "catalog"),
        introduction=_get(head, "introduction", str, "catalog"),
        review_rule=_get(head, "review_rule", str, "catalog"),
        review_interval_days=_get(head, "review_interval_days", int, "catalog"),
        history=tuple(
            m.VersionEntry(
                version=_get(h, "version", str, f"history[{i}]"),
                date=_get(h, "date", date, f"history[{i}]"),
                description=_get(h, "description", str, f"history[{i}]"),
            )
            for i, h in enumerate(_get(data, "history", list, ""))
        ),
        mechanisms=tuple(
            m.Mechanism(
                number=_get(x, "number", int, f"mechanisms[{i}]"),
                name=_get(x, "name", str, f"mechanisms[{i}]"),
                description=_get(x, "description", str, f"mechanisms[{i}]"),
            )
            for i, x in enumerate(_get(data, "mechanisms", list, ""))
        ),
        channels=_channels(data),
        whatsapp_intro=_get(_get(data, "channels_note", dict, ""), "whatsapp_intro", str, "channels_note"),
        request_types=request_types,
        hours=_hours(data),
        user_types=user_types,
        families=families,
        legend_open=_get(matrix, "legend_open", str, "matrix"),
        legend_closed=_get(matrix, "legend_closed", str, "matrix"),
        services=services,
        linked_units_intro=_get(_get(data, "linked_units_intro", dict, ""), "text", str, "linked_units_intro"),
        linked_units=linked,
        exclusions_intro=_get(exclusions, "intro", str, "exclusions"),
        exclusions=_strings(exclusions, "items", "exclusions"),
        requirements_intro=_get(requirements, "intro", str, "requirements"),
        requirements=tuple(
            m.RequirementItem(
                label=_get(r, "label", str, f"requirements.items[{i}]"),
                text=_get(r, "text", str, f"requirements.items[{i}]"),
                sub=_strings(r, "sub", f"requirements.items[{i}]", default=()),
            )
            for i, r in enumerate(_get(requirements, "items", list, "requirements"))
        ),
        components=_components(data),
        notes=tuple(
            m.Note(code=_get(n, "code", str, f"notes[{i}]"), text=_get(n, "text", str, f"notes[{i}]"))
            for i, n in enumerate(_get(data, "notes", list, "", default=[]))
        ),
        nodes=MappingProxyType(nodes),
    )


def _user_types(data: dict) -> tuple[m.UserType, ...]:
    types = []
    for i, u in enumerate(_get(data, "user_types", list, "")):
        where = f"user_types[{i}]"
        types.append(
            m.UserType(
                id=_get(u, "id", int, where),
                name=_get(u, "name", str, where),
                internal=_get(u, "internal", bool, where),
            )
        )
    ids = [u.id for u in types]
    if ids != list(range(1, len(ids) + 1)):
        raise CatalogError(f"katalog: 'user_types' harus bernomor urut 1..{len(ids)}, bukan {ids}")
    return tuple(types)


def _matrix_row(data: dict, code: str, width: int) -> frozenset[int]:
    rows = _get(_get(data, "matrix", dict, ""), "rows", dict, "matrix")
    where = f'matrix.rows."{code}"'
    if code not in rows:
        raise CatalogError(f"katalog: baris '{where}' tidak ada")
    tokens = _get(rows, code, str, "matrix.rows").split()
    if len(tokens) != width:
        raise CatalogError(f"katalog: baris '{where}' berisi {len(tokens)} kolom, seharusnya {width}")
    bad = [t for t in tokens if t.lower() not in MATRIX_TOKENS]
    if bad:
        raise CatalogError(f"katalog: baris '{where}' berisi tanda tak dikenal {bad} (hanya o/x)")
    return frozenset(i for i, t in enumerate(tokens, start=1) if MATRIX_TOKENS[t.lower()])


def _services(data: dict, width: int) -> tuple[m.Service, ...]:
    services = []
    for i, s in enumerate(_get(data, "services", list, "")):
        where = f"services[{i}]"
        code = _get(s, "code", str, where)
        if not SERVICE_CODE.match(code):
            raise CatalogError(f"katalog: kode layanan '{code}' di '{where}.code' tidak sah (contoh: BCSM.01)")
        where = f'services."{code}"'
        hours = _get(s, "resolution_hours", dict, where)
        low = _get(hours, "min", int, f"{where}.resolution_hours")
        high = _get(hours, "max", int, f"{where}.resolution_hours")
        if low <= 0 or low > high:
            raise CatalogError(f"katalog: '{where}.resolution_hours' min {low} melebihi max {high} atau tidak positif")
        subscopes = []
        for j, sub in enumerate(_get(s, "subscopes", list, where, default=[])):
            swhere = f"{where}.subscopes[{j}]"
            scode = _get(sub, "code", str, swhere)
            if not SUBSCOPE_CODE.match(scode) or not scode.startswith(code + "."):
                raise CatalogError(
                    f"katalog: kode sub-lingkup '{scode}' di '{swhere}.code' tidak sah atau bukan bagian dari {code}"
                )
            subscopes.append(
                m.Subscope(
                    code=scode,
                    label=_get(sub, "label", str, swhere),
                    name=_get(sub, "name", str, swhere),
                    items=_strings(sub, "items", swhere),
                    item_style=_get(sub, "item_style", str, swhere, default="decimal"),
                    owner_unit=_get(sub, "owner_unit", str, swhere, default=""),
                    service_code=code,
                )
            )
        items = _strings(s, "items", where, default=())
        if not items and not subscopes:
            raise CatalogError(f"katalog: '{where}' tidak punya ruang lingkup ('items' atau 'subscopes')")
        services.append(
            m.Service(
                code=code,
                number=_get(s, "number", int, where),
                name=_get(s, "name", str, where),
                owner=_get(s, "owner", str, where),
                definition=_get(s, "definition", str, where),
                audience=_get(s, "audience", str, where),
                norm_text=_get(s, "norm_text", str, where),
                min_hours=low,
                max_hours=high,
                scope_style=_get(s, "scope_style", str, where, default="list"),
                items=items,
                subscopes=tuple(subscopes),
                limits=_get(s, "limits", str, where, default=""),
                eligible=_matrix_row(data, code, width),
            )
        )
    extra = set(_get(_get(data, "matrix", dict, ""), "rows", dict, "matrix")) - {s.code for s in services}
    if extra:
        raise CatalogError(f"katalog: 'matrix.rows' memuat kode yang bukan layanan: {sorted(extra)}")
    return tuple(services)


def _linked_units(data: dict, nodes: dict) -> tuple[m.LinkedUnit, ...]:
    units = []
    for i, u in enumerate(_get(data, "linked_units", list, "")):
        where = f"linked_units[{i}]"
        codes = _strings(u, "codes", where)
        for code in codes:
            if code not in nodes:
                raise CatalogError(f"katalog: '{where}.codes' menyebut kode '{code}' yang tidak ada")
        units.append(
            m.LinkedUnit(
                number=_get(u, "number", int, where),
                name=_get(u, "name", str, where),
                codes=codes,
                codes_text=_get(u, "codes_text", str, where, default=""),
            )
        )
    return tuple(units)


def _request_types(data: dict, nodes: dict) -> tuple[m.RequestType, ...]:
    types = []
    seen = set()
    for i, r in enumerate(_get(data, "request_types", list, "")):
        where = f"request_types[{i}]"
        key = _get(r, "key", str, where)
        if key in seen:
            raise CatalogError(f"katalog: jenis permintaan '{key}' ganda di '{where}.key'")
        seen.add(key)
        service = _get(r, "service", str, where)
        if service and service not in nodes:
            raise CatalogError(f"katalog: '{where}.service' menyebut kode '{service}' yang tidak ada")
        types.append(
            m.RequestType(
                key=key,
                label=_get(r, "label", str, where),
                name=_get(r, "name", str, where),
                details=_strings(r, "details", where, default=()),
                requirements=_strings(r, "requirements_list", where),
                fields=_strings(r, "fields", where),
                channel=_get(r, "channel", str, where),
                service=service,
            )
        )
    return tuple(types)


def _channels(data: dict) -> tuple[m.Channel, ...]:
    channels = []
    for i, c in enumerate(_get(data, "channels", list, "")):
        where = f"channels[{i}]"
        details = _strings(c, "details", where, default=())
        if not details:
            details = (_get(c, "detail", str, where),)
        channels.append(
            m.Channel(
                key=_get(c, "key", str, where),
                label=_get(c, "label", str, where),
                name=_get(c, "name", str, where),
                details=details,
            )
        )
    return tuple(channels)


def _hours(data: dict) -> m.Hours:
    h = _get(data, "hours", dict, "")
    hours = m.Hours(
        timezone=_get(h, "timezone", str, "hours"),
        zone_label=_get(h, "zone_label", str, "hours"),
        weekdays=tuple(_get(h, "weekdays", list, "hours")),
        open=_get(h, "open", str, "hours"),
        close=_get(h, "close", str, "hours"),
        rules=_strings(h, "rules", "hours"),
    )
    if not re.match(r"^\d{2}:\d{2}$", hours.open) or not re.match(r"^\d{2}:\d{2}$", hours.close):
        raise CatalogError("katalog: 'hours.open' dan 'hours.close' harus berbentuk JJ:MM")
    if hours.open >= hours.close:
        raise CatalogError("katalog: 'hours.open' harus lebih awal dari 'hours.close'")
    if not hours.weekdays or any(d not in range(1, 8) for d in hours.weekdays):
        raise CatalogError("katalog: 'hours.weekdays' harus berisi hari ISO 1..7")
    return hours


def _components(data: dict) -> tuple[m.Component, ...]:
    return tuple(
        m.Component(
            label=_get(c, "label", str, f"components[{i}]"),
            key=_get(c, "key", str, f"components[{i}]"),
            name=_get(c, "name", str, f"components[{i}]"),
            indicators=_strings(c, "indicators", f"components[{i}]"),
            reliability=_strings(c, "reliability", f"components[{i}]", default=()),
            note=_get(c, "note", str, f"components[{i}]", default=""),
        )
        for i, c in enumerate(_get(data, "components", list, ""))
    )
