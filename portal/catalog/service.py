"""Rules over the catalog: who may use what, what to use instead, consistency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import current_app

from portal.catalog.models import Catalog, Service, Subscope, UserType

FALLBACK_FAMILY = "CRSM"
DATA_DIR = Path(__file__).resolve().parent  # the catalog and request-type data files


def get_catalog() -> Catalog:
    """Return the catalog loaded for this application."""
    return current_app.extensions["catalog"]


@dataclass(frozen=True)
class Finding:
    """One line of the consistency report."""

    level: str  # "error" | "warning" | "note"
    code: str
    message: str


def eligible_types(catalog: Catalog, node: Service | Subscope) -> tuple[UserType, ...]:
    """Return the user types the matrix opens this service (or sub-scope) to."""
    service = catalog.service_of(node.code)
    if service is None:  # unreachable: every node of the catalog belongs to a service
        raise KeyError(node.code)
    return tuple(u for u in catalog.user_types if u.id in service.eligible)


def is_eligible(catalog: Catalog, code: str, user_type_id: int) -> bool:
    """Tell whether the matrix opens the service of ``code`` to a user type."""
    service = catalog.service_of(code)
    return service is not None and user_type_id in service.eligible


def only_internal(catalog: Catalog, service: Service) -> bool:
    """Tell whether the matrix opens a service to internal user types only."""
    # The loader numbers user types 1..n and reads matrix rows n wide: every id is one of them.
    return all(u.internal for u in catalog.user_types if u.id in service.eligible)


def alternatives(catalog: Catalog, service: Service, user_type_id: int) -> tuple[Service, ...]:
    """Suggest services open to a user type when ``service`` is closed to it.

    Open services of the same family come first (another consultation for a closed
    consultation); the change-request service, open to every type, closes the list.
    """
    open_services = [s for s in catalog.services if user_type_id in s.eligible and s is not service]
    same = [s for s in open_services if s.family_prefix == service.family_prefix]
    fallback = [s for s in open_services if s.family_prefix == FALLBACK_FAMILY and s not in same]
    return tuple(same + fallback)


def split_for_user(catalog: Catalog, user_type_id: int) -> tuple[list[Service], list[Service]]:
    """Split the services into those open and those closed to a user type."""
    opened = [s for s in catalog.services if user_type_id in s.eligible]
    closed = [s for s in catalog.services if user_type_id not in s.eligible]
    return opened, closed


def services_by_family(catalog: Catalog) -> list[tuple[str, str, list[Service]]]:
    """Group the services by family, in the order the catalog lists the families."""
    return [(f.prefix, f.name, [s for s in catalog.services if s.family_prefix == f.prefix]) for f in catalog.families]


def consistency_report(catalog: Catalog, today: date) -> list[Finding]:
    """List what a reviewer of the catalog should look at.

    The loader already refused structural errors; what is left are contradictions the
    published document contains and which the data keeps on purpose.
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
    return findings


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
