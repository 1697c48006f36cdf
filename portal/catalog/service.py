"""Rules over the catalog: who may use what, what to use instead, consistency."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from portal.catalog.amendments import Amendment, Amendments
from portal.catalog.models import Catalog, Service, Subscope, UserType
from portal.core.clock import today as clock_today

FALLBACK_FAMILY = "CRSM"
DATA_DIR = Path(__file__).resolve().parent  # the catalog and request-type data files


def get_catalog() -> Catalog:
    """Return the catalog loaded for this application."""
    return current_app.extensions["catalog"]


def get_amendments() -> Amendments:
    """Return the amendments file loaded for this application (in force or not)."""
    return current_app.extensions["amendments"]


def amendments_in_force() -> tuple[Amendment, ...]:
    """Return the amendments that apply today (by the application clock)."""
    return get_amendments().in_force(clock_today())


@dataclass(frozen=True)
class Finding:
    """One line of the consistency report."""

    level: str  # "error" | "warning" | "note"
    code: str
    message: str


def eligible_ids(catalog: Catalog, code: str, amendments: Iterable[Amendment] = ()) -> frozenset[int]:
    """Return the user types ``code`` is open to: the matrix row, plus what amendments in force open."""
    service = catalog.service_of(code)
    if service is None:  # callers pass codes of the catalog
        raise KeyError(code)
    opened = set(service.eligible)
    for amendment in amendments:
        opened |= amendment.opens(catalog, code)
    return frozenset(opened)


def eligible_types(
    catalog: Catalog, node: Service | Subscope, amendments: Iterable[Amendment] = ()
) -> tuple[UserType, ...]:
    """Return the user types this service (or sub-scope) is open to."""
    ids = eligible_ids(catalog, node.code, amendments)
    return tuple(u for u in catalog.user_types if u.id in ids)


def is_eligible(catalog: Catalog, code: str, user_type_id: int, amendments: Iterable[Amendment] = ()) -> bool:
    """Tell whether the matrix (and any amendment in force) opens ``code`` to a user type."""
    return catalog.get(code) is not None and user_type_id in eligible_ids(catalog, code, amendments)


def only_internal(catalog: Catalog, node: Service | Subscope, amendments: Iterable[Amendment] = ()) -> bool:
    """Tell whether a service (or sub-scope) is open to internal user types only."""
    # The loader numbers user types 1..n and reads matrix rows n wide: every id is one of them.
    ids = eligible_ids(catalog, node.code, amendments)
    return all(u.internal for u in catalog.user_types if u.id in ids)


def alternatives(
    catalog: Catalog, service: Service, user_type_id: int, amendments: Iterable[Amendment] = ()
) -> tuple[Service, ...]:
    """Suggest services open to a user type when ``service`` is closed to it.

    Open services of the same family come first (another consultation for a closed
    consultation); the change-request service, open to every type, closes the list.
    """
    amendments = tuple(amendments)
    open_services = [
        s for s in catalog.services if is_eligible(catalog, s.code, user_type_id, amendments) and s is not service
    ]
    same = [s for s in open_services if s.family_prefix == service.family_prefix]
    fallback = [s for s in open_services if s.family_prefix == FALLBACK_FAMILY and s not in same]
    return tuple(same + fallback)


def split_for_user(
    catalog: Catalog, user_type_id: int, amendments: Iterable[Amendment] = ()
) -> tuple[list[Service], list[Service]]:
    """Split the services into those open and those closed to a user type."""
    amendments = tuple(amendments)
    opened = [s for s in catalog.services if is_eligible(catalog, s.code, user_type_id, amendments)]
    closed = [s for s in catalog.services if s not in opened]
    return opened, closed


def services_by_family(catalog: Catalog) -> list[tuple[str, str, list[Service]]]:
    """Group the services by family, in the order the catalog lists the families."""
    return [(f.prefix, f.name, [s for s in catalog.services if s.family_prefix == f.prefix]) for f in catalog.families]


def consistency_report(catalog: Catalog, today: date, amendments: Amendments | None = None) -> list[Finding]:
    """List what a reviewer of the catalog should look at.

    The loader already refused structural errors; what is left are contradictions the
    published document contains and which the data keeps on purpose, then how the portal
    reads ambiguous passages, and the amendments of the service manager (in force or not).
    """
    findings: list[Finding] = []
    for service in catalog.services:
        findings.extend(_audience_findings(catalog, service))
        findings.extend(_owner_findings(service))
    due = catalog.effective + timedelta(days=catalog.review_interval_days)
    if today > due:
        findings.append(
            Finding(
                "warning",
                "",
                f"katalog versi {catalog.version} berlaku sejak {catalog.effective:%d-%m-%Y}; "
                f"evaluasi tahunan (bagian H) sudah lewat sejak {due:%d-%m-%Y}",
            )
        )
    findings.extend(Finding("note", n.code, n.text) for n in catalog.notes)
    if amendments is not None:
        findings.extend(_amendment_findings(amendments, today))
    return findings


def _amendment_findings(amendments: Amendments, today: date) -> list[Finding]:
    found = [
        Finding("reading", r.code, f"Sumber: {r.source} Dibaca: {r.reading} Alasan: {r.reason}")
        for r in amendments.readings
    ]
    for a in amendments.amendments:
        where = ", ".join(a.codes)
        text = (
            f"{a.id}: Diterapkan: {a.applied} Sumber: {a.source} Alasan: {a.reason} "
            f"Diputuskan oleh: {a.decided_by}; berlaku sejak {a.effective_from:%d-%m-%Y}."
        )
        if a.in_force(today):
            found.append(Finding("amendment", where, text))
        else:
            found.append(Finding("note", where, f"Amandemen {a.id} TIDAK berlaku (status '{a.status}'). {text}"))
    return found


def _audience_findings(catalog: Catalog, service: Service) -> list[Finding]:
    text = service.audience.lower()
    says_external = "eksternal" in text
    says_internal = "internal" in text
    opened = [u for u in catalog.user_types if u.id in service.eligible]  # numbered 1..n, so sorted
    external_open = [u for u in opened if not u.internal]
    internal_open = [u for u in opened if u.internal]
    found = []
    if says_external and not external_open:
        found.append(
            Finding(
                "warning",
                service.code,
                f'Pengguna disebut "{service.audience}", tetapi matriks hanya membuka layanan '
                f"untuk pengguna internal ({_ids(internal_open)})",
            )
        )
    if says_internal and not says_external and external_open:
        found.append(
            Finding(
                "warning",
                service.code,
                f'Pengguna disebut "{service.audience}", tetapi matriks membuka layanan untuk '
                f"pengguna eksternal ({_ids(external_open)})",
            )
        )
    if says_internal and not internal_open:
        found.append(
            Finding(
                "warning",
                service.code,
                f'Pengguna disebut "{service.audience}", tetapi matriks menutup layanan untuk semua pengguna internal',
            )
        )
    return found


def _owner_findings(service: Service) -> list[Finding]:
    return [
        Finding(
            "warning",
            sub.code,
            f"unit '{sub.owner_unit}' pada sub-lingkup tidak tertulis sama pada Penanggung Jawab "
            f"'{service.owner}' ({service.code})",
        )
        for sub in service.subscopes
        if sub.owner_unit and sub.owner_unit not in service.owner
    ]


def _ids(types: list[UserType]) -> str:
    return ", ".join(f"{u.id}. {u.name}" for u in types) or "-"


def channel_labels() -> dict[str, str]:
    """Display names of channel keys: section B.1 of the catalog, plus the ticket API."""
    labels = {c.key: c.name for c in get_catalog().channels}
    labels["api"] = _("API integrasi kanal")
    return labels


def channel_name(key: str) -> str:
    """The display name of a ticket's channel key ("email" → "e-mail"); an unknown key as it is."""
    return channel_labels().get(key, key)
