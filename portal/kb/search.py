"""The Whoosh seam: the only module of the portal that imports ``whoosh``.

``build_index``, ``open_index`` and ``Searcher.search`` face the rest of the application. Text
analysis is whoosh-free (``portal.kb.analysis``); documents are analysed once in Python and
Whoosh indexes the tokens in one ``content`` field without positions. Why (numbers in
bench/README.md): Whoosh's matchers are pure Python, a query costs about one step per posting
it visits. One field instead of title/tags/body divides the matchers per query word by three
(title and tags weigh by repetition); glossary long forms are indexed as one joined token, so
no query needs a phrase; "did you mean" reads a word list next to the index, not a second field.
"""

from __future__ import annotations

import os
import shutil
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import highlight, scoring
from whoosh.analysis import SpaceSeparatedTokenizer, Token, Tokenizer
from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.index import create_in, open_dir
from whoosh.query import And, Or, Term
from whoosh.spelling import Corrector
from whoosh.system import pack_uint

from portal.kb import analysis
from portal.kb import documents as docs
from portal.kb.documents import Document, Hit, content_tokens, densest, highlight_prefix, joined

INDEX_FORMAT = "3"  # part of the index fingerprint: bump when the schema or the token layout changes
WORDS_FILE = "words.tsv"
TITLE_WEIGHT = 3  # how often the title's tokens are repeated in ``content``
TAGS_WEIGHT = 2
# From this many documents up, two processes write a segment each (half the build time on two
# cores; a search over two segments measured as fast as over one). Smaller builds stay simple.
PARALLEL_FROM = 2000
SNIPPET_SPAN = 480  # two fragments of up to 220 characters


class IndonesianTokenizer(Tokenizer):
    """Yield the analyzer's normalised tokens with character offsets (used to highlight)."""

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


class TokenCounts(Frequency):
    """Whoosh's frequency format fed a list of analysed tokens, counted in C (a fifth of the build)."""

    def word_values(self, value, analyzer, **kwargs):
        """Yield (token, frequency, weight, encoded frequency) per distinct token of ``value``."""
        boost = self.field_boost
        return ((word, n, n * boost, pack_uint(n)) for word, n in Counter(value).items())


class TokensField(TEXT):
    """A text field indexed from analysed tokens: frequencies only, no positions."""

    def __init__(self):
        super().__init__(analyzer=SpaceSeparatedTokenizer(), phrase=False)
        self.format = TokenCounts()


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    kind=ID(stored=True),
    title=STORED,
    body=STORED,
    content=TokensField(),  # analysed by build_index; no phrase query needs positions
    codes=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
    scope=KEYWORD(commas=True, lowercase=False, scorable=False),
    url=STORED,
    digest=STORED,  # hash of the Document: an incremental update skips what did not change
)


def build_index(path: Path, documents: Iterable[Document], phrases: Iterable[tuple[str, ...]] = (),
                progress=None) -> int:  # fmt: skip
    """Write a fresh index of ``documents`` into the empty folder ``path``.

    ``phrases`` are the glossary's multi-word forms (analysed) to index as joined tokens. A large
    build uses two writer processes; where the system refuses them (no ``/dev/shm`` for
    multiprocessing's semaphores, some containers), it is done again in this process.
    """
    by_first = docs.by_first_token(phrases)
    documents = list(documents)
    procs = 2 if len(documents) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1
    try:
        words = _write(path, documents, by_first, procs, progress)
    except OSError:
        if procs == 1:
            raise
        shutil.rmtree(path, ignore_errors=True)
        words = _write(path, documents, by_first, 1, progress)
    _write_words(path, words)
    return len(documents)


def _write(path: Path, documents: list[Document], by_first: dict, procs: int, progress) -> Counter[str]:
    """Index ``documents`` with ``procs`` writer processes; return the vocabulary with counts."""
    path.mkdir(parents=True, exist_ok=True)
    index = create_in(str(path), SCHEMA)
    writer = index.writer(limitmb=128, procs=procs, multisegment=procs > 1)
    words: Counter[str] = Counter()
    for count, doc in enumerate(documents, 1):
        writer.add_document(**_fields(doc, by_first, words))
        if progress:
            progress(count)
    writer.commit(optimize=True)
    index.close()
    return words


def _fields(doc: Document, by_first: dict, words: Counter[str]) -> dict:
    """The stored and indexed fields of one document (its raw words are counted into ``words``)."""
    raw = [analysis.words(doc.title), analysis.words(doc.tags), analysis.words(doc.body)]
    for part in raw:
        words.update(map(str.lower, part))
    title, tags, body = map(analysis.analyze, raw)
    tokens = title * TITLE_WEIGHT + tags * TAGS_WEIGHT + body
    return dict(id=doc.id, kind=doc.kind, title=doc.title, body=doc.body, content=content_tokens(tokens, by_first),
                codes=",".join(doc.codes), scope=",".join(doc.scope), url=doc.url, digest=docs.digest(doc))  # fmt: skip


def update_index(path: Path, documents: Iterable[Document], deleted: Iterable[str],
                 phrases: Iterable[tuple[str, ...]] = ()) -> None:  # fmt: skip
    """Replace ``documents`` (by id), delete the ids ``deleted``: one commit (the caller holds the lock)."""
    by_first = docs.by_first_token(phrases)
    index = open_dir(str(path))
    writer = index.writer()
    words: Counter[str] = Counter()
    for doc in documents:
        writer.update_document(**_fields(doc, by_first, words))
    for doc_id in deleted:
        writer.delete_by_term("id", doc_id)
    writer.commit()
    index.close()
    _write_words(path, _read_words(path) + words)


def stored_digests(path: Path, kind: str) -> dict[str, str]:
    """The id and digest of every document of ``kind`` in the index at ``path``."""
    index = open_dir(str(path))
    with index.reader() as reader:
        found = {f["id"]: f.get("digest", "") for f in reader.all_stored_fields() if f.get("kind") == kind}
    index.close()
    return found


def _write_words(path: Path, words: Counter[str]) -> None:
    (path / WORDS_FILE).write_text("".join(f"{w}\t{n}\n" for w, n in sorted(words.items())), encoding="utf-8")


def _read_words(path: Path) -> Counter[str]:
    with open(path / WORDS_FILE, encoding="utf-8") as lines:
        return Counter({w: int(n) for w, _, n in (line.rstrip("\n").partition("\t") for line in lines)})


def open_index(path: Path) -> Searcher:
    """Open the index in ``path`` for searching."""
    return Searcher(open_dir(str(path)), dict(_read_words(path)))


class MemoryLengthBM25F(scoring.BM25F):
    """Whoosh's BM25F reading document lengths from a list in memory instead of the column file.

    Scoring a match looks up the document's length; Whoosh reads it from disk structures each
    time, a tenth of a query's time on a large knowledge base. The list is built once per
    segment reader (about 10 ms for 10,000 documents) and lives as long as that reader.
    """

    def scorer(self, searcher, fieldname, text, qf=1):
        """Return Whoosh's BM25F scorer with its length lookup swapped for the cached list."""
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer):
            scorer.dfl = field_lengths(searcher.reader(), fieldname).__getitem__
        return scorer


def field_lengths(reader, fieldname: str) -> list[int]:
    """Return (and keep on the reader) the length of ``fieldname`` in each document."""
    cache = reader.__dict__.setdefault("_portal_lengths", {})
    if fieldname not in cache:
        cache[fieldname] = [reader.doc_field_length(n, fieldname, 1) for n in range(reader.doc_count_all())]
    return cache[fieldname]


class WordCorrector(Corrector):
    """Suggest words of the vocabulary within an edit distance, the more frequent first.

    Whoosh's Levenshtein automaton walks a sorted word list. Not ``ListCorrector`` itself: its
    list cursor only moves forward one step per call, so it skips words (the first word of the
    list is never suggested; tested).
    """

    def __init__(self, words: dict[str, int]):
        self.sorted = sorted(words)
        self.frequency = words

    def _next_word(self, word: str) -> str | None:
        """Return the first vocabulary word at or after ``word``, in sort order."""
        at = bisect_left(self.sorted, word)
        return self.sorted[at] if at < len(self.sorted) else None

    def _suggestions(self, text, maxdist, prefix):
        seen = set()
        for distance in range(1, maxdist + 1):
            automaton = levenshtein_automaton(text, distance, prefix).to_dfa()
            for word in find_all_matches(automaton, self._next_word):
                if word not in seen:
                    seen.add(word)
                    yield -distance - 0.5 / self.frequency.get(word, 1), word


class Searcher:
    """One open index and its searcher; keep one per worker (opening costs ms)."""

    def __init__(self, index, words: dict[str, int]):
        self.index = index
        self.searcher = index.searcher(weighting=MemoryLengthBM25F())
        self.words = words
        self.corrector = WordCorrector(words)
        self.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        self.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)

    def close(self) -> None:
        """Release the index files."""
        self.searcher.close()
        self.index.close()

    def known(self, token: str) -> bool:
        """Tell whether an analysed token occurs in any document."""
        return self.searcher.doc_frequency("content", token) > 0

    def known_word(self, word: str) -> bool:
        """Tell whether an unstemmed, lower-cased word occurs in the content."""
        return word in self.words

    def suggest(self, word: str) -> str | None:
        """Return the closest real word to a misspelt one, or None."""
        found = self.corrector.suggest(word, limit=1, maxdist=2, prefix=1)
        return found[0] if found else None

    def search(self, groups, *, conjunction: str, scope: str | None, limit: int, offset: int = 0):
        """Run a query built from analysed term groups; return (hits, more_available).

        ``groups`` is a list of alternatives per query word: each alternative is a tuple of
        tokens (one token, or the words of a glossary long form, indexed as one joined token).
        """
        query = build_query(groups, conjunction)
        if query is None:
            return [], False
        filter_query = Term("scope", scope) if scope else None
        results = self.searcher.search(query, limit=offset + limit + 1, filter=filter_query)
        # Highlight every word of the query, the words of a long form one by one.
        terms = {token for _text, alternatives in groups for form in alternatives for token in form}
        hits = [Hit(kind=hit["kind"], title=hit["title"], url=hit["url"],
                    codes=tuple(c for c in hit["codes"].split(",") if c), snippet=self.snippet(hit["body"], terms))
                for hit in results[offset : offset + limit]]  # fmt: skip
        return hits, len(results.top_n) > offset + limit

    def snippet(self, text: str, terms: set[str]) -> str:
        """Return up to two escaped fragments of ``text`` with the query's words marked.

        Whoosh's highlighter makes objects for every token of the text; it gets only the stretch
        of ``SNIPPET_SPAN`` characters holding the most matches (a third of the cost per hit).
        """
        starts = analysis.positions(text, terms)
        if not starts:
            return highlight_prefix(text)
        first = densest(starts, SNIPPET_SPAN)
        begin = text.rfind(" ", 0, max(first - 60, 0)) + 1
        end = text.find(" ", first + SNIPPET_SPAN)
        part = text[begin : end if end > 0 else len(text)]
        found = highlight.highlight(part, terms, ANALYZER, self.fragmenter, self.formatter, top=2)
        return found or highlight_prefix(text)

    def refresh(self) -> Searcher:
        """Return a searcher that sees the latest committed index."""
        self.searcher = self.searcher.refresh()
        return self


def build_query(groups, conjunction: str):
    """Combine term groups with AND or OR, each group an OR of its alternatives."""
    clauses = []
    for _text, alternatives in groups:
        options = [Term("content", form[0] if len(form) == 1 else joined(form)) for form in alternatives]
        if options:
            clauses.append(options[0] if len(options) == 1 else Or(options))
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return And(clauses) if conjunction == "and" else Or(clauses)
