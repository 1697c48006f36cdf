"""CSV exports that are safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

# Spreadsheet programs run cells starting with these as formulas (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # makes spreadsheet programs read the file as UTF-8


def neutralise(value: object) -> str:
    """Return a CSV cell that no spreadsheet evaluates: a leading quote before formula triggers."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield the BOM, then one CSV line per row (the csv module quotes), every cell neutralised.

    A generator: a caller may stream the lines or join them.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield BOM
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
