"""The Whoosh seam: the only module of the portal that imports ``whoosh``.

Three functions face the rest of the application: ``build_index`` (write an index of
documents), ``open_index`` and ``Searcher.search``. Text analysis itself is whoosh-free
(``portal.kb.analysis``); here it is wrapped into a Whoosh tokenizer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import highlight
from whoosh.analysis import RegexTokenizer, Token, Tokenizer
from whoosh.analysis.filters import LowercaseFilter
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import create_in, open_dir
from whoosh.query import And, Or, Phrase, Term

from portal.kb import analysis

SEARCH_FIELDS = ("title", "tags", "body")


class IndonesianTokenizer(Tokenizer):
    """Yield the analyzer's normalised tokens with positions and character offsets.

    Defined at module level so Whoosh pickles a reference, not a stemmer dictionary,
    into the index.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs) -> Iterator[Token]:  # fmt: skip
        """Tokenize ``value`` the way ``portal.kb.analysis`` does."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pieces = analysis.tokenize(value) if tokenize else [(value, 0, len(value))]
        pos = start_pos
        for raw, start, end in pieces:
            normal = analysis.normalize(raw)
            if not normal:
                continue
            token.text = normal
            token.original = raw
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            pos += 1
            yield token


ANALYZER = IndonesianTokenizer()
# Unstemmed, lower-cased words feed "did you mean": suggestions must be real words.
WORDS_ANALYZER = RegexTokenizer(r"\w+(?:-\w+)*") | LowercaseFilter()

SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    kind=ID(stored=True),
    title=TEXT(analyzer=ANALYZER, stored=True, field_boost=3.0),
    tags=TEXT(analyzer=ANALYZER, field_boost=2.0),
    body=TEXT(analyzer=ANALYZER, stored=True),
    words=TEXT(analyzer=WORDS_ANALYZER, phrase=False, spelling=True),
    codes=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
    scope=KEYWORD(commas=True, lowercase=False, scorable=False),
    url=STORED,
)


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


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str
    title: str
    url: str
    codes: tuple[str, ...]
    snippet: str  # HTML: escaped text with <mark> around matches


def build_index(path: Path, documents: Iterable[Document], progress=None) -> int:
    """Write a fresh index of ``documents`` into the empty folder ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    index = create_in(str(path), SCHEMA)
    writer = index.writer(limitmb=128)
    count = 0
    for doc in documents:
        writer.add_document(
            id=doc.id,
            kind=doc.kind,
            title=doc.title,
            tags=doc.tags,
            body=doc.body,
            words=f"{doc.title} {doc.tags} {doc.body}",
            codes=",".join(doc.codes),
            scope=",".join(doc.scope),
            url=doc.url,
        )
        count += 1
        if progress:
            progress(count)
    writer.commit(optimize=True)
    index.close()
    return count


def open_index(path: Path) -> Searcher:
    """Open the index in ``path`` for searching."""
    return Searcher(open_dir(str(path)))


class Searcher:
    """One open index and its searcher; keep one per worker (opening costs ms)."""

    def __init__(self, index):
        self.index = index
        self.searcher = index.searcher()
        self.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        self.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)

    def close(self) -> None:
        """Release the index files."""
        self.searcher.close()
        self.index.close()

    def known(self, token: str) -> bool:
        """Tell whether an analysed token occurs in any searchable field."""
        return any(self.searcher.doc_frequency(f, token) for f in SEARCH_FIELDS)

    def known_word(self, word: str) -> bool:
        """Tell whether an unstemmed, lower-cased word occurs in the content."""
        return self.searcher.doc_frequency("words", word) > 0

    def suggest(self, word: str) -> str | None:
        """Return the closest real word to a misspelt one, or None."""
        found = self.searcher.suggest("words", word, limit=1, maxdist=2, prefix=1)
        return found[0] if found else None

    def search(self, groups, *, conjunction: str, scope: str | None, limit: int, offset: int = 0):
        """Run a query built from analysed term groups; return (hits, more_available).

        ``groups`` is a list of alternatives per query word: each alternative is a tuple of
        tokens (one token, or the words of a glossary long form, matched as a phrase).
        """
        query = build_query(groups, conjunction)
        if query is None:
            return [], False
        filter_query = Term("scope", scope) if scope else None
        results = self.searcher.search(query, limit=offset + limit + 1, filter=filter_query, terms=True)
        results.formatter = self.formatter
        results.fragmenter = self.fragmenter
        page = results[offset : offset + limit]
        hits = [
            Hit(
                kind=hit["kind"],
                title=hit["title"],
                url=hit["url"],
                codes=tuple(c for c in hit["codes"].split(",") if c),
                snippet=hit.highlights("body", top=2) or highlight_prefix(hit["body"]),
            )
            for hit in page
        ]
        return hits, len(results.top_n) > offset + limit

    def refresh(self) -> Searcher:
        """Return a searcher that sees the latest committed index."""
        self.searcher = self.searcher.refresh()
        return self


def build_query(groups, conjunction: str):
    """Combine term groups with AND or OR, each group an OR of its alternatives."""
    clauses = []
    for _text, alternatives in groups:
        options = []
        for tokens in alternatives:
            for field in SEARCH_FIELDS:
                if len(tokens) == 1:
                    options.append(Term(field, tokens[0]))
                else:
                    options.append(Phrase(field, list(tokens)))
        if options:
            clauses.append(Or(options))
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return And(clauses) if conjunction == "and" else Or(clauses)


def highlight_prefix(text: str, length: int = 200) -> str:
    """Return an escaped opening of ``text`` when no fragment matched."""
    from markupsafe import escape

    cut = text[:length].rsplit(" ", 1)[0] if len(text) > length else text
    return str(escape(cut)) + (" …" if len(text) > length else "")
