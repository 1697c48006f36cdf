"""CSV exports that are safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# Spreadsheet programs run cells starting with these as formulas (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Return a CSV cell that no spreadsheet evaluates: a leading quote before formula triggers."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Write ``rows`` with the csv module, every cell neutralised, behind a BOM for spreadsheets."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([neutralise(v) for v in row] for row in rows)
    return "\ufeff" + buffer.getvalue()  # the BOM makes spreadsheet programs read UTF-8
