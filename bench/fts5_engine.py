"""SQLite FTS5 over the portal's analyzed tokens: the baseline of ``bench/search_bench.py``.

Same input as the Whoosh index (``portal.kb.index.documents``), same analysis
(``portal.kb.analysis.analyze`` per field, tokens joined by spaces into a contentless FTS5 table;
FTS5's ``unicode61`` tokenizer then only splits on those spaces), same query (the glossary's term
groups, each an OR of its alternatives, a multi-word alternative a phrase; groups ANDed, ORed only
when AND finds nothing), same column weights as the Whoosh field boosts (title 3, tags 2, body 1,
BM25 in both), and the same highlighting code (``whoosh.highlight.highlight`` with the portal's
analyzer, fragmenter and formatter over the stored original body). The originals live in a plain
table next to the FTS index. Not used by the portal: it is the "plan B" of the search design notes,
measured in the same run so the Whoosh numbers have a baseline.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from whoosh import highlight

from portal.kb import analysis, search
from portal.kb.documents import Document, Hit

WEIGHTS = (3.0, 2.0, 1.0)  # title, tags, body: the Whoosh schema's field_boost values
SCHEMA = """
CREATE TABLE doc (id INTEGER PRIMARY KEY, key TEXT UNIQUE, kind TEXT, title TEXT, body TEXT,
                  codes TEXT, scope TEXT, url TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, tags, body, content='', detail=full,
                                    tokenize='unicode61 remove_diacritics 0');
"""
# bm25 weights = WEIGHTS (SQLite wants them as literals in the statement).
RANKED = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 3.0, 2.0, 1.0) LIMIT ? OFFSET ?"


def build(path: Path, documents: Iterable[Document], progress=None) -> int:
    """Write a fresh FTS5 database of ``documents`` at ``path``; return the document count."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA)
        count = 0
        with conn:
            for count, doc in enumerate(documents, 1):
                conn.execute(
                    "INSERT INTO doc (id, key, kind, title, body, codes, scope, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (count, doc.id, doc.kind, doc.title, doc.body, ",".join(doc.codes), ",".join(doc.scope), doc.url),
                )
                conn.execute(
                    "INSERT INTO fts (rowid, title, tags, body) VALUES (?, ?, ?, ?)",
                    (count, *(" ".join(analysis.analyze(text)) for text in (doc.title, doc.tags, doc.body))),
                )
                if progress:
                    progress(count)
        conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        conn.commit()
        return count
    finally:
        conn.close()


def match_expression(groups, conjunction: str) -> str | None:
    """Turn the glossary's term groups into an FTS5 MATCH expression (None when empty)."""
    clauses = []
    for _text, alternatives in groups:
        options = ['"' + " ".join(tokens) + '"' for tokens in alternatives if tokens]
        if options:
            clauses.append("(" + " OR ".join(options) + ")")
    if not clauses:
        return None
    return (" AND " if conjunction == "and" else " OR ").join(clauses)


class Searcher:
    """One open FTS5 database; the counterpart of ``portal.kb.search.Searcher``."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        self.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)

    def close(self) -> None:
        """Close the database."""
        self.conn.close()

    def search(self, groups, *, conjunction: str, limit: int, offset: int = 0, highlights: bool = True):
        """Run the query; return (hits, more_available) like the Whoosh searcher."""
        expression = match_expression(groups, conjunction)
        if expression is None:
            return [], False
        ids = [r[0] for r in self.conn.execute(RANKED, (expression, limit + 1, offset))]
        if not ids:
            return [], False
        page = ids[:limit]
        marks = ",".join("?" * len(page))
        rows = {
            r[0]: r[1:]
            for r in self.conn.execute(f"SELECT id, kind, title, url, codes, body FROM doc WHERE id IN ({marks})", page)  # noqa: S608 - placeholders only
        }
        terms = {t for _text, alternatives in groups for tokens in alternatives for t in tokens}
        hits = []
        for rowid in page:
            kind, title, url, codes, body = rows[rowid]
            snippet = ""
            if highlights:  # the portal's own snippet code (it only needs the fragmenter and formatter)
                snippet = search.Searcher.snippet(self, body, terms)
            hits.append(Hit(kind=kind, title=title, url=url, codes=tuple(c for c in codes.split(",") if c),
                            snippet=snippet))  # fmt: skip
        return hits, len(ids) > limit


def search_like_service(searcher: Searcher, glossary: analysis.Glossary, query: str, limit: int = 10,
                        highlights: bool = True):  # fmt: skip
    """AND first, OR when AND finds nothing (two groups or more), as ``SearchService`` does.

    No "did you mean": FTS5 has no spelling dictionary of its own (the Whoosh rows report the
    cost of that step separately).
    """
    groups = glossary.expand_query(analysis.analyze(query))
    hits, more = searcher.search(groups, conjunction="and", limit=limit, highlights=highlights)
    if not hits and len(groups) >= 2:
        hits, more = searcher.search(groups, conjunction="or", limit=limit, highlights=highlights)
    return hits, more
