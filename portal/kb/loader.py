"""Read the FAQ articles of ``kb/``: TOML front matter, Markdown body, sanitised HTML.

Articles are content only; this module turns them into frozen objects once per process
and checks them against the catalog (``flask kb check``). Rendering is most of the cost of
loading (85 % for 10,000 articles), so rendered bodies can be kept between starts in a JSON
file keyed by a hash of the body and of the renderer's settings (``RenderCache``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import unescape
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

import markdown
import nh3

FRONT_MATTER = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n", re.S)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# What an article may contain once rendered: text structure, tables, links; no script,
# no style, no images (content is ours, but a slip in one file must not become XSS).
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "br", "hr", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
    "abbr": {"title"},
}


class ArticleError(ValueError):
    """An article file cannot be read; the message names the file."""


@dataclass(frozen=True)
class Article:
    """One FAQ article."""

    slug: str
    folder: str
    title: str
    codes: tuple[str, ...]
    tags: tuple[str, ...]
    updated: date
    related: tuple[str, ...]
    audience: tuple[int, ...]
    body: str  # Markdown source
    html: str  # rendered and sanitised
    text: str  # plain text for the index and snippets
    path: str
    synonyms: tuple[str, ...] = ()  # other words readers use for it: searchable, not shown

    @property
    def code(self) -> str:
        """Return the catalog code the article is filed under."""
        return self.folder


@dataclass(frozen=True)
class KnowledgeBase:
    """All articles, with lookups by slug and by code, and a content fingerprint."""

    articles: tuple[Article, ...]
    by_slug: MappingProxyType
    by_code: MappingProxyType
    fingerprint: str

    def for_code(self, code: str) -> tuple[Article, ...]:
        """Return the articles that name ``code`` (sorted by title)."""
        return self.by_code.get(code, ())


def render_markdown(source: str) -> str:
    """Render Markdown (tables, heading anchors) and sanitise the HTML with nh3."""
    html = markdown.markdown(source, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"mailto"}, link_rel="noopener"
    )


def plain_text(html: str) -> str:
    """Strip tags from sanitised HTML, for indexing and snippets (entities decoded)."""
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


MARKDOWN_EXTENSIONS = ["tables", "toc", "sane_lists"]
# Everything that changes what render_markdown makes of the same source.
RENDERER = hashlib.sha256(
    repr(
        (
            metadata.version("Markdown"),
            metadata.version("nh3"),
            MARKDOWN_EXTENSIONS,
            sorted(ALLOWED_TAGS),
            sorted((k, sorted(v)) for k, v in ALLOWED_ATTRIBUTES.items()),
        )
    ).encode()  # fmt: skip
).hexdigest()[:12]


class RenderCache:
    """Rendered HTML and plain text per article body, kept in a JSON file between starts.

    Entries are keyed by a hash of the Markdown source; the file is thrown away when the
    renderer changes (``RENDERER``). JSON, not pickle: reading it can never run code.
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, list[str]] = {}
        self.used: dict[str, list[str]] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict) and data.get("renderer") == RENDERER and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]

    def render(self, body: str) -> tuple[str, str]:
        """Return (sanitised HTML, plain text) of a Markdown body, rendering it only when new."""
        key = hashlib.sha256(body.encode()).hexdigest()
        entry = self.entries.get(key)
        if not (isinstance(entry, list) and len(entry) == 2):
            html = render_markdown(body)
            entry = [html, plain_text(html)]
        self.used[key] = entry
        return entry[0], entry[1]

    def save(self) -> None:
        """Write the entries used by this load when anything changed (atomically: workers race)."""
        if self.path is None or self.used == self.entries:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = self.path.with_name(f".{self.path.name}-{os.getpid()}")
        staging.write_text(json.dumps({"renderer": RENDERER, "entries": self.used}), encoding="utf-8")
        os.replace(staging, self.path)


def split_front_matter(raw: str, name: str) -> tuple[dict, str]:
    """Return the TOML front matter and the Markdown body of an article file's text."""
    match = FRONT_MATTER.match(raw)
    if not match:
        raise ArticleError(f"{name}: tidak ada front matter +++ … +++")
    try:
        meta = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise ArticleError(f"{name}: front matter bukan TOML yang sah: {exc}") from exc
    return meta, raw[match.end() :]


def parse_article(path: Path, root: Path, renderer: RenderCache | None = None) -> Article:
    """Parse one article file."""
    name = path.relative_to(root).as_posix()
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), name)
    html, text = (renderer or RenderCache(None)).render(body)
    updated = meta.get("updated")
    return Article(
        slug=path.stem,
        folder=path.parent.name,
        title=str(meta.get("title", "")).strip(),
        codes=tuple(meta.get("codes", ())),
        tags=tuple(str(t).lower() for t in meta.get("tags", ())),
        updated=updated if isinstance(updated, date) else date.min,
        related=tuple(meta.get("related", ())),
        audience=tuple(meta.get("audience", ())),
        body=body,
        html=html,
        text=text,
        path=name,
        synonyms=tuple(str(t).lower() for t in meta.get("synonyms", ())),
    )


def content_fingerprint(root: Path) -> str:
    """Hash the names and bytes of every article (cheap: no Markdown rendering)."""
    digest = hashlib.sha256()
    for path in sorted(root.glob("*/*.md")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_knowledge_base(root: Path, cache: Path | None = None) -> KnowledgeBase:
    """Load every ``kb/<CODE>/<slug>.md`` below ``root`` (parsed once per content version).

    ``cache`` is the file of rendered bodies to reuse and update (none: render everything).
    """
    return _load(root.resolve(), content_fingerprint(root), cache)


@lru_cache(maxsize=4)
def _load(root: Path, fingerprint: str, cache: Path | None) -> KnowledgeBase:
    renderer = RenderCache(cache)
    articles = [parse_article(path, root, renderer) for path in sorted(root.glob("*/*.md"))]
    renderer.save()
    return assemble(articles, fingerprint)


def assemble(articles: list[Article], fingerprint: str) -> KnowledgeBase:
    """Make the knowledge base of ``articles``: lookups by slug and by code (sorted by title)."""
    by_slug: dict[str, Article] = {}
    by_code: dict[str, list[Article]] = {}
    for article in articles:
        by_slug.setdefault(article.slug, article)
        for code in dict.fromkeys((article.folder, *article.codes)):
            by_code.setdefault(code, []).append(article)
    return KnowledgeBase(
        articles=tuple(articles),
        by_slug=MappingProxyType(by_slug),
        by_code=MappingProxyType({k: tuple(sorted(v, key=lambda a: a.title)) for k, v in by_code.items()}),
        fingerprint=fingerprint,
    )


def check_articles(kb: KnowledgeBase, known_codes: set[str]) -> list[str]:
    """Return the problems of the articles' metadata (empty when all is well)."""
    problems = []
    seen: dict[str, str] = {}
    for a in kb.articles:
        if a.slug in seen:
            problems.append(f"{a.path}: slug '{a.slug}' ganda (juga {seen[a.slug]})")
        seen.setdefault(a.slug, a.path)
        if not SLUG.match(a.slug):
            problems.append(f"{a.path}: slug '{a.slug}' harus huruf kecil, angka, dan tanda hubung")
        if not a.title:
            problems.append(f"{a.path}: judul (title) kosong")
        if a.folder not in known_codes:
            problems.append(f"{a.path}: folder '{a.folder}' bukan kode katalog")
        if not a.codes or a.codes[0] != a.folder:
            problems.append(f"{a.path}: kode pertama harus sama dengan folder '{a.folder}'")
        problems.extend(f"{a.path}: kode '{c}' tidak ada di katalog" for c in a.codes if c not in known_codes)
        if a.updated == date.min:
            problems.append(f"{a.path}: tanggal 'updated' tidak ada atau bukan tanggal")
        problems.extend(f"{a.path}: artikel terkait '{r}' tidak ada" for r in a.related if r not in kb.by_slug)
        if not a.text:
            problems.append(f"{a.path}: isi artikel kosong")
    return problems
