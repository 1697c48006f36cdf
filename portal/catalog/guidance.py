"""What a page about one code tells its reader before any form.

Two things: the service manager's amendments in force that touch the code ("Catatan pengelola
layanan: …"), and, when the matrix closes the code to some user types, the routes the catalog
itself offers them instead. Every route quotes the published text; the portal only adds what
each route is for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from portal.catalog.amendments import Amendment
from portal.catalog.models import Catalog, Service, UserType
from portal.catalog.service import eligible_ids

CSO_MECHANISM = 2  # A.2, "Layanan CSO KPPN dan Kanwil Ditjen Perbendaharaan"
CSO_CHANNEL = "hai_cso"  # B.1 huruf e, "HAI CSO"
CHANGE_REQUESTS = "CRSM.01"
CHANGE_REQUEST_ITEMS = 2  # CRSM.01 butir 1 (manajemen user aplikasi) and 2 (set-up data referensi)
CONSULTATION = "BCSM.02"


@dataclass(frozen=True)
class Route:
    """A way the catalog offers to people a code is closed to."""

    key: str  # "cso", or the code of the service the route leads to
    purpose: LazyString  # what the route is for (portal text)
    title: str  # the catalog's own name of the route
    quotes: tuple[str, ...]  # the catalog's own words
    code: str  # the service to link to ("" for the CSO route, which is not on this portal)
    for_types: tuple[UserType, ...]


@dataclass(frozen=True)
class Guidance:
    """Everything the page of one code shows before its content."""

    notes: tuple[Amendment, ...]
    closed: tuple[UserType, ...]
    routes: tuple[Route, ...]


def guidance(catalog: Catalog, code: str, amendments: Iterable[Amendment] = ()) -> Guidance:
    """Return the amendment notes and, for closed user types, the routes for ``code``."""
    amendments = tuple(amendments)
    if catalog.get(code) is None:
        return Guidance((), (), ())
    notes = tuple(a for a in amendments if a.touches(catalog, code))
    opened = eligible_ids(catalog, code, amendments)
    closed = tuple(u for u in catalog.user_types if u.id not in opened)
    return Guidance(notes, closed, closed_routes(catalog, code, closed, amendments) if closed else ())


def closed_routes(
    catalog: Catalog, code: str, closed: tuple[UserType, ...], amendments: tuple[Amendment, ...]
) -> tuple[Route, ...]:
    """The catalog's own routes for user types ``code`` is closed to, each with whom it serves."""
    own = catalog.service_of(code)
    routes = []
    mechanism = next((m for m in catalog.mechanisms if m.number == CSO_MECHANISM), None)
    channel = next((c for c in catalog.channels if c.key == CSO_CHANNEL), None)
    # A.2 names "Satuan Kerja (Satker), Masyarakat, atau Individu": the external user types.
    external = tuple(u for u in closed if not u.internal)
    if mechanism is not None and channel is not None and external:
        routes.append(
            Route(
                key="cso",
                purpose=_l("Pertanyaan atau permasalahan aplikasi"),
                title=mechanism.name,
                quotes=(mechanism.description, f"{channel.name}: {'; '.join(channel.details)}"),
                code="",
                for_types=external,
            )
        )
    for target, purpose in (
        (CHANGE_REQUESTS, _l("Manajemen user aplikasi dan data referensi")),
        (CONSULTATION, _l("Pertanyaan tata cara sesuai peraturan perbendaharaan")),
    ):
        service = catalog.get(target)
        if not isinstance(service, Service) or service is own:
            continue
        reachable = eligible_ids(catalog, target, amendments)
        served = tuple(u for u in closed if u.id in reachable)
        # CRSM.01: its own scope items on user management and reference data; BCSM.02: its definition.
        quotes = service.items[:CHANGE_REQUEST_ITEMS] if target == CHANGE_REQUESTS else (service.definition,)
        if served:
            routes.append(Route(target, purpose, service.name, quotes, target, served))
    return tuple(routes)
