"""Reading numbers typed into URLs and forms."""

from __future__ import annotations


def to_int(value: str | None, low: int = 0, high: int = 10**11) -> int | None:
    """Read an integer typed as ASCII digits within [low, high], or None.

    ``str.isdigit`` also accepts "¹" and "٣", which ``int()`` refuses or reads as another
    number; a query string is never trusted to be plain ASCII.
    """
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 12):
        return None
    number = int(text)
    return number if low <= number <= high else None
