"""Helpers that read facts straight from the catalog data file, for assertions."""

from __future__ import annotations

import tomllib

from tests.conftest import CATALOG_FILE


def _data() -> dict:
    with open(CATALOG_FILE, "rb") as fh:
        return tomllib.load(fh)


def all_codes() -> list[str]:
    """Every service and sub-scope code, in catalog order."""
    codes = []
    for service in _data()["services"]:
        codes.append(service["code"])
        codes.extend(s["code"] for s in service.get("subscopes", []))
    return codes


def service_data(data: dict, code: str) -> dict:
    """The service table that a code belongs to."""
    return next(s for s in data["services"] if code == s["code"] or code.startswith(s["code"] + "."))


def node_data(data: dict, code: str) -> dict:
    """The service or sub-scope table of a code."""
    service = service_data(data, code)
    if service["code"] == code:
        return service
    return next(s for s in service["subscopes"] if s["code"] == code)


def matrix_open(data: dict, code: str) -> list[int]:
    """User type ids the matrix opens the service of ``code`` to."""
    row = data["matrix"]["rows"][service_data(data, code)["code"]].split()
    return [i for i, token in enumerate(row, start=1) if token == "o"]
