"""Immutable objects for the service catalog, built once per process by the loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType


@dataclass(frozen=True)
class VersionEntry:
    """One row of the document's version history."""

    version: str
    date: date
    description: str


@dataclass(frozen=True)
class Mechanism:
    """One of the two request mechanisms of section A."""

    number: int
    name: str
    description: str


@dataclass(frozen=True)
class Channel:
    """A service channel of section B.1."""

    key: str
    label: str
    name: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class RequestType:
    """A request type dedicated to WhatsApp in section B.2, with the data it needs."""

    key: str
    label: str
    name: str
    details: tuple[str, ...]
    requirements: tuple[str, ...]
    fields: tuple[str, ...]
    channel: str
    service: str  # the code that handles it ("" when not tied to one service)


@dataclass(frozen=True)
class Hours:
    """Service days and hours of section C."""

    timezone: str
    zone_label: str
    weekdays: tuple[int, ...]
    open: str
    close: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class UserType:
    """One of the 11 user types of section D.2."""

    id: int
    name: str
    internal: bool


@dataclass(frozen=True)
class Family:
    """A portal grouping of services by code prefix (BCSM, ITSM, …)."""

    prefix: str
    name: str


@dataclass(frozen=True)
class Subscope:
    """A sub-scope (BCSM.02.01 …) with its numbered scope items."""

    code: str
    label: str
    name: str
    items: tuple[str, ...]
    item_style: str
    owner_unit: str
    service_code: str

    @property
    def kind(self) -> str:
        """Say what this node is, for templates and the API."""
        return "subscope"


@dataclass(frozen=True)
class Service:
    """One of the 12 services of the catalog."""

    code: str
    number: int
    name: str
    owner: str
    definition: str
    audience: str
    norm_text: str
    min_hours: int
    max_hours: int
    scope_style: str
    items: tuple[str, ...]
    subscopes: tuple[Subscope, ...]
    limits: str
    eligible: frozenset[int]

    @property
    def kind(self) -> str:
        """Say what this node is, for templates and the API."""
        return "service"

    @property
    def family_prefix(self) -> str:
        """Return the family part of the code ("BCSM" for "BCSM.02")."""
        return self.code.split(".", 1)[0]


@dataclass(frozen=True)
class LinkedUnit:
    """An external unit of section F and the codes it serves."""

    number: int
    name: str
    codes: tuple[str, ...]
    codes_text: str


@dataclass(frozen=True)
class RequirementItem:
    """One requirement of section G.2, with its sub-items."""

    label: str
    text: str
    sub: tuple[str, ...]


@dataclass(frozen=True)
class Component:
    """A service component of section G.3 with its fulfilment indicators."""

    label: str
    key: str
    name: str
    indicators: tuple[str, ...]
    reliability: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Note:
    """A contradiction or oddity of the document, recorded by a human reviewer."""

    code: str
    text: str


@dataclass(frozen=True)
class Catalog:
    """The whole catalog; lookups by code go through ``nodes``."""

    title: str
    version: str
    effective: date
    document_owner: str
    disclaimer: str
    introduction: str
    review_rule: str
    review_interval_days: int
    history: tuple[VersionEntry, ...]
    mechanisms: tuple[Mechanism, ...]
    channels: tuple[Channel, ...]
    whatsapp_intro: str
    request_types: tuple[RequestType, ...]
    hours: Hours
    user_types: tuple[UserType, ...]
    families: tuple[Family, ...]
    legend_open: str
    legend_closed: str
    services: tuple[Service, ...]
    linked_units_intro: str
    linked_units: tuple[LinkedUnit, ...]
    exclusions_intro: str
    exclusions: tuple[str, ...]
    requirements_intro: str
    requirements: tuple[RequirementItem, ...]
    components: tuple[Component, ...]
    notes: tuple[Note, ...]
    nodes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def get(self, code: str) -> Service | Subscope | None:
        """Return the service or sub-scope with this code, or None."""
        return self.nodes.get(code)

    def service_of(self, code: str) -> Service | None:
        """Return the service a code belongs to (itself for a service code)."""
        node = self.nodes.get(code)
        if node is None:
            return None
        return node if isinstance(node, Service) else self.nodes[node.service_code]

    def user_type(self, type_id: int) -> UserType | None:
        """Return the user type with this id, or None."""
        return next((u for u in self.user_types if u.id == type_id), None)

    def linked_units_for(self, code: str) -> tuple[LinkedUnit, ...]:
        """Return the linked units serving a code.

        A service also gets its sub-scopes' units; a sub-scope also gets its service's.
        """
        node = self.nodes.get(code)
        wanted = {code}
        if isinstance(node, Service):
            wanted |= {s.code for s in node.subscopes}
        elif isinstance(node, Subscope):
            wanted.add(node.service_code)
        return tuple(u for u in self.linked_units if wanted & set(u.codes))
