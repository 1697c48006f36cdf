"""URL paths as the application routes them, for decisions that must not be fooled by spelling.

A server hands the application ``//siap/lapor``, ``/%2Fsiap/lapor`` or ``/SIAP/lapor/`` and the
router may still reach (or redirect to) ``/siap/lapor``. Log filters, security headers and error
handling therefore compare the normalised path, never the raw string.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DECODE_ROUNDS = 4  # %252F → %2F → /; more layers than any server or proxy undoes


def decoded(text: str) -> str:
    """Undo percent-encoding until nothing changes (a few layers at most)."""
    for _ in range(_DECODE_ROUNDS):
        once = unquote(text)
        if once == text:
            break
        text = once
    return text


def normalise(raw: str) -> str:
    """Return ``raw`` (a path or request target) reduced to lower-case ``/a/b`` form.

    Query and fragment are dropped, percent-escapes decoded (repeatedly), backslashes read
    as slashes, empty and ``.`` segments removed, ``..`` applied, and segments lower-cased
    and stripped of whitespace and ``;parameters``.
    """
    text = raw.strip()
    if _ABSOLUTE.match(text):
        text = urlsplit(text).path  # absolute-form request target: keep only its path
    text = text.split("?", 1)[0].split("#", 1)[0]
    text = decoded(text)
    segments: list[str] = []
    for segment in text.replace("\\", "/").split("/"):
        segment = segment.split(";", 1)[0].strip().lower()
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    return "/" + "/".join(segments)


def is_under(raw: str, prefix: str) -> bool:
    """Tell whether ``raw`` normalises to ``prefix`` (e.g. ``/siap``) or a path below it."""
    path = normalise(raw)
    return path == prefix or path.startswith(prefix + "/")
