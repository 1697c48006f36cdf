"""What goes into the search engine and what comes out of it, without Whoosh.

Documents and hits, the joined tokens that stand for glossary long forms, and the pieces of
snippet making that need no engine (``bench/fts5_engine.py`` uses them too).
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass

from markupsafe import escape


@dataclass(frozen=True)
class Document:
    """One searchable thing: an FAQ article, a service or a sub-scope."""

    id: str
    kind: str
    title: str
    body: str
    tags: str
    codes: tuple[str, ...]  # the codes shown with the result
    scope: tuple[str, ...]  # every code and family the document can be filtered by
    url: str


def digest(doc: Document) -> str:
    """A hash of everything a document puts in the index (tells a changed article from an unchanged one)."""
    return hashlib.sha256(repr(astuple(doc)).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str
    title: str
    url: str
    codes: tuple[str, ...]
    snippet: str  # HTML: escaped text with <mark> around matches


def joined(form: tuple[str, ...]) -> str:
    """The single token that stands for a multi-word glossary form (analysed tokens never hold "_")."""
    return "_".join(form)


def by_first_token(phrases) -> dict[str, list[tuple[str, ...]]]:
    """Group multi-word forms by their first token (what ``content_tokens`` looks them up by)."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for form in phrases:
        by_first.setdefault(form[0], []).append(tuple(form))
    return by_first


def content_tokens(tokens: list[str], phrases: dict[str, tuple[tuple[str, ...], ...]]) -> list[str]:
    """Return ``tokens`` plus one joined token for every glossary phrase occurring in them.

    ``phrases`` maps a first token to the multi-word forms starting with it.
    """
    extra = []
    for i, token in enumerate(tokens):
        for form in phrases.get(token, ()):
            if tuple(tokens[i : i + len(form)]) == form:
                extra.append(joined(form))
    return tokens + extra if extra else tokens


def densest(starts: list[int], span: int) -> int:
    """Return the first of the sorted ``starts`` that begins the run with the most within ``span``."""
    best, best_count, low = starts[0], 0, 0
    for high, start in enumerate(starts):
        while start - starts[low] > span:
            low += 1
        if high - low + 1 > best_count:
            best, best_count = starts[low], high - low + 1
    return best


def highlight_prefix(text: str, length: int = 200) -> str:
    """Return an escaped opening of ``text`` when no fragment matched."""
    cut = text[:length].rsplit(" ", 1)[0] if len(text) > length else text
    return str(escape(cut)) + (" …" if len(text) > length else "")
