"""Knowledge-base rules: searching with fallbacks, suggestions, feedback and missed queries."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from portal.core.counters import increment
from portal.kb import analysis
from portal.kb.index import SearcherPool
from portal.kb.models import MISSING_MAX, ArticleFeedback, ArticleMissing, SearchMiss
from portal.kb.search import Hit

MAX_QUERY_LENGTH = 200
PER_PAGE = 10
CACHE_SIZE = 512
FEW = 3  # fewer results than this for the words as typed: a spelling suggestion may be offered


class QueryError(ValueError):
    """The query cannot be searched (empty or too long); the message is for the user."""


@dataclass(frozen=True)
class SearchResult:
    """What a search found, and how."""

    query: str
    hits: tuple[Hit, ...]
    suggestion: str | None
    used_or: bool
    page: int
    has_more: bool
    shown_for: str | None = None  # the corrected query whose results follow the query's own

    @property
    def missed(self) -> bool:
        """Tell whether the search counts in the miss log: nothing found, or found only through a correction."""
        return not self.hits or self.shown_for is not None


def clean_query(raw: str | None) -> str:
    """Collapse white space and refuse empty or oversized queries."""
    # Control characters (NUL above all: PostgreSQL text cannot hold it) never belong in a query.
    query = " ".join("".join(ch if ch.isprintable() else " " for ch in (raw or "")).split())
    if not query:
        raise QueryError(_("Masukkan kata kunci pencarian."))
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            _("Kata kunci terlalu panjang (maksimal %(MAX_QUERY_LENGTH)s karakter).", MAX_QUERY_LENGTH=MAX_QUERY_LENGTH)
        )
    return query


class SearchService:
    """Search over one live index, with a small per-process cache of recent answers."""

    def __init__(self, pool: SearcherPool, glossary: analysis.Glossary):
        self.pool = pool
        self.glossary = glossary
        # Every word of every glossary form ("sign" of "single sign on"): never corrected either.
        self.glossary_words = frozenset(token for form in glossary.forms for token in form)
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def search(
        self, query: str, *, scope: str | None = None, page: int = 1, per_page: int = PER_PAGE, exact: bool = False
    ) -> SearchResult:
        """Search the words as typed first; add a correction's results only when they find little.

        AND first, then the spelling suggestion (only for words that are not valid words, see
        ``did_you_mean``), then OR. The query's own results always come first. ``exact`` keeps
        the words as typed (the user clicked "search for what I typed"). Answers are cached.
        """
        searcher = self.pool.get()
        key = (self.pool.local.build, query.lower(), scope, page, per_page, exact)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        offset = (page - 1) * per_page
        window = offset + per_page  # results are merged from the top, then the page is cut out
        hits, more = self._run(searcher, query, "and", scope, window, 0)
        suggestion = did_you_mean(searcher, query, self.glossary_words) if len(hits) < FEW else None
        shown_for = None
        if suggestion and not exact:
            # A typo breaks affix stripping; the corrected words usually find the answer.
            extra, extra_more = self._run(searcher, suggestion, "and", scope, window, 0)
            if not hits and not extra:
                extra, extra_more = self._run(searcher, suggestion, "or", scope, window, 0)
            seen = {h.url for h in hits}
            added = [h for h in extra if h.url not in seen]
            if added:
                hits, more, shown_for = [*hits, *added], more or extra_more, suggestion
        used_or = False
        if len(hits) < FEW:
            # Few or no results with every word: those come first, then results with some words.
            partial, partial_more = self._run(searcher, query, "or", scope, window, 0)
            seen = {h.url for h in hits}
            added = [h for h in partial if h.url not in seen]
            used_or = bool(added) and not hits
            hits, more = [*hits, *added], more or partial_more
        page_hits = hits[offset:window]
        more = more or len(hits) > window
        result = SearchResult(query, tuple(page_hits), suggestion, used_or, page, more, shown_for)
        with self._lock:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def _run(self, searcher, text: str, conjunction: str, scope, per_page: int, offset: int):
        groups = self.glossary.expand_query(analysis.analyze(text))
        if conjunction == "or" and len(groups) < 2:
            return [], False
        return searcher.search(groups, conjunction=conjunction, scope=scope, limit=per_page, offset=offset)


WORD = re.compile(r"^[^\W\d_]{4,}$")


def is_valid_word(raw: str, glossary_words: frozenset[str]) -> bool:
    """Tell whether a typed word is right as it is: such a word is never "corrected".

    Right means: an acronym or code as people type them (SP2D, KPPN, anything with digits), a
    stopword, a word of a glossary form (analysed), or Indonesian known to PySastrawi's root dictionary as typed or
    once the stemmer took its affixes off (terlambat -> lambat). "suap" stays "suap" even when
    no article says it (issue 17: it was searched as "siap").
    """
    if any(ch.isdigit() for ch in raw) or (len(raw) > 1 and raw.isupper()):
        return True
    normal = analysis.normalize(raw)
    if normal is None:
        return True
    if normal in analysis.PROTECTED or normal in glossary_words:
        return True
    return analysis.in_dictionary(raw.lower()) or analysis.in_dictionary(normal)


def did_you_mean(searcher, query: str, glossary_words: frozenset[str] = frozenset()) -> str | None:
    """Offer the query with its misspelt words replaced by the closest words of the content.

    Only a word that is neither valid (``is_valid_word``) nor in the content is replaced.
    Works on the unstemmed words: a misspelling breaks affix stripping, so stems would suggest
    nonsense (see the search design notes).
    """
    changed = False
    pieces = []
    cursor = 0
    for raw, start, end in analysis.tokenize(query):
        pieces.append(query[cursor:start])
        cursor = end
        word = raw.lower()
        normal = analysis.normalize(raw)
        replacement = None
        if (
            WORD.match(word)
            and normal
            and not searcher.known(normal)
            and not searcher.known_word(word)
            and not is_valid_word(raw, glossary_words)
        ):
            replacement = searcher.suggest(word)
        if replacement and replacement != word:
            pieces.append(replacement)
            changed = True
        else:
            pieces.append(raw)
    pieces.append(query[cursor:])
    return "".join(pieces) if changed else None


def normalise_for_log(query: str) -> str:
    """The form in which a missed query is kept: lower case, single spaces, capped."""
    return " ".join(query.lower().split())[:MAX_QUERY_LENGTH]


def record_miss(session: Session, query: str, today: date) -> None:
    """Count a query that found nothing (normalised text and the day only)."""
    increment(session, SearchMiss, query=normalise_for_log(query), day=today)


def record_feedback(session: Session, slug: str, helpful: bool, today: date) -> None:
    """Count one "was this helpful?" answer (slug, answer and day only)."""
    increment(session, ArticleFeedback, slug=slug, day=today, helpful=helpful)


def record_missing(session: Session, slug: str, text: str, today: date) -> bool:
    """Keep what a reader said an article was missing (whitespace folded, cut short); blank is nothing."""
    folded = " ".join((text or "").split())[:MISSING_MAX]
    if not folded:
        return False
    increment(session, ArticleMissing, slug=slug, day=today, text=folded)
    return True


def missing_notes(session: Session, since: date, limit: int = 100) -> list[tuple[str, str, int]]:
    """What readers said was missing since ``since``: (slug, text, count), most frequent first."""
    total = func.sum(ArticleMissing.count)
    query = (
        select(ArticleMissing.slug, ArticleMissing.text, total)
        .where(ArticleMissing.day >= since)
        .group_by(ArticleMissing.slug, ArticleMissing.text)
        .order_by(total.desc(), ArticleMissing.slug)
        .limit(limit)
    )
    return [(slug, text, count) for slug, text, count in session.execute(query)]


def related_articles(kb, article, limit: int = 5):
    """Return the article's declared related articles, then others of the same code."""
    chosen = [kb.by_slug[s] for s in article.related if s in kb.by_slug]
    for other in kb.for_code(article.folder):
        if other is not article and other not in chosen:
            chosen.append(other)
    return chosen[:limit]


def request_forms(types, code: str) -> list:
    """The request forms an article of ``code`` offers: specific ones first, the general one last.

    ``types`` are the request types the tickets feature registered (read from the application,
    not imported, so the FAQ works without the tickets feature).
    """
    serving = [t for t in types if t.serves(code)]
    return [t for t in serving if "*" not in t.codes] + [t for t in serving if "*" in t.codes]


def search_misses(session: Session, since: date, limit: int = 100) -> list[tuple[str, int]]:
    """Queries that found nothing since ``since``, most frequent first."""
    total = func.sum(SearchMiss.count)
    query = select(SearchMiss.query, total).where(SearchMiss.day >= since).group_by(SearchMiss.query)
    rows = session.execute(query.order_by(total.desc(), SearchMiss.query).limit(limit))
    return [(text, count) for text, count in rows]


def article_feedback(session: Session, since: date) -> list[tuple[str, int, int]]:
    """Articles marked unhelpful since ``since``: (slug, unhelpful, helpful), most unhelpful first."""
    no = func.sum(case((ArticleFeedback.helpful.is_(False), ArticleFeedback.count), else_=0))
    yes = func.sum(case((ArticleFeedback.helpful.is_(True), ArticleFeedback.count), else_=0))
    query = (
        select(ArticleFeedback.slug, no, yes)
        .where(ArticleFeedback.day >= since)
        .group_by(ArticleFeedback.slug)
        .having(no > 0)
        .order_by(no.desc(), yes, ArticleFeedback.slug)
    )
    return [tuple(r) for r in session.execute(query)]


def feedback_totals(session: Session, slugs: list[str]) -> dict[str, tuple[int, int]]:
    """All-time (helpful, not helpful) counts of the given articles (absent: no answers yet)."""
    no = func.sum(case((ArticleFeedback.helpful.is_(False), ArticleFeedback.count), else_=0))
    yes = func.sum(case((ArticleFeedback.helpful.is_(True), ArticleFeedback.count), else_=0))
    query = select(ArticleFeedback.slug, yes, no).where(ArticleFeedback.slug.in_(slugs)).group_by(ArticleFeedback.slug)
    return {slug: (int(y), int(n)) for slug, y, n in session.execute(query)}
