"""Index lifecycle: what goes into the search index, when it is rebuilt, how workers see it.

Each build goes into its own folder named after a fingerprint of everything that shapes
the index (articles, catalog, glossary, analyzer version); a ``CURRENT`` file names the
live one and is replaced atomically, so searchers of other workers never see a half-built
index. A worker reopens its searcher when ``CURRENT`` changes.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import threading
from pathlib import Path

from flask import Flask

from portal.catalog.models import Catalog
from portal.kb import analysis, search
from portal.kb.documents import digest
from portal.kb.loader import Article, KnowledgeBase

KEEP_BUILDS = 2


def kb_path(app: Flask) -> Path:
    """Folder of the FAQ articles (``KB_PATH``, default ``kb/`` of the repository)."""
    return Path(app.config["KB_PATH"])


def index_path(app: Flask) -> Path:
    """Folder of the search index builds (``KB_INDEX_PATH``, default ``instance/kb_index``)."""
    return Path(app.config.get("KB_INDEX_PATH") or Path(app.instance_path) / "kb_index")


def render_cache_path(app: Flask) -> Path:
    """File of rendered article bodies kept between starts (next to the index builds)."""
    return index_path(app) / "rendered.json"


def index_fingerprint(kb: KnowledgeBase, catalog: Catalog, glossary: analysis.Glossary) -> str:
    """Hash everything that changes what the index contains or how it is analysed."""
    parts = (kb.fingerprint, catalog.version, str(len(catalog.nodes)), glossary.version, analysis.ANALYZER_VERSION,
             search.INDEX_FORMAT)  # fmt: skip
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def article_document(article: Article, catalog: Catalog) -> search.Document:
    """The search document of one FAQ article (its synonyms are indexed with its tags)."""
    scope: set[str] = set()
    for code in article.codes:
        scope |= _scope_of(catalog, code)
    return search.Document(
        id=f"article:{article.slug}",
        kind="article",
        title=article.title,
        body=article.text,
        tags=" ".join((*article.tags, *article.synonyms)),
        codes=article.codes,
        scope=tuple(sorted(scope)),
        url=f"/faq/{article.folder}/{article.slug}",
    )


def documents(kb: KnowledgeBase, catalog: Catalog):
    """Yield the FAQ articles and the catalog's services and sub-scopes as documents."""
    for article in kb.articles:
        yield article_document(article, catalog)
    for service in catalog.services:
        yield search.Document(
            id=f"service:{service.code}",
            kind="service",
            title=f"{service.code} {service.name}",
            body=" ".join((service.definition, *service.items, *(s.name for s in service.subscopes), service.limits)),
            tags=service.owner,
            codes=(service.code,),
            scope=tuple(sorted(_scope_of(catalog, service.code))),
            url=f"/layanan/{service.code}",
        )
        for sub in service.subscopes:
            yield search.Document(
                id=f"subscope:{sub.code}",
                kind="subscope",
                title=f"{sub.code} {sub.name}",
                body=" ".join(sub.items),
                tags=sub.owner_unit or service.owner,
                codes=(sub.code,),
                scope=tuple(sorted(_scope_of(catalog, sub.code))),
                url=f"/layanan/{sub.code}",
            )


def _scope_of(catalog: Catalog, code: str) -> set[str]:
    """A code, its service and its family: the filters that should find it."""
    service = catalog.service_of(code)
    if service is None:
        return {code}
    return {code, service.code, service.family_prefix}


def current_build(root: Path) -> Path | None:
    """Return the folder of the live index, or None when there is none."""
    try:
        name = (root / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    path = root / name
    return path if name and path.is_dir() else None


def ensure_index(root: Path, kb: KnowledgeBase, catalog: Catalog, glossary: analysis.Glossary,
                 *, force: bool = False, progress=None) -> tuple[Path, bool]:  # fmt: skip
    """Build the index when it is missing or stale; return (folder, whether it was built).

    A file lock makes concurrent workers take turns: the first builds, the others find
    the fresh ``CURRENT`` and return at once.
    """
    root.mkdir(parents=True, exist_ok=True)
    fingerprint = index_fingerprint(kb, catalog, glossary)
    live = current_build(root)
    if live is not None and live.name == fingerprint and not force:
        return live, False
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        live = current_build(root)
        if live is not None and live.name == fingerprint and not force:
            return live, False
        target = root / fingerprint
        staging = root / f".build-{fingerprint}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        search.build_index(staging, documents(kb, catalog), glossary.phrases(), progress=progress)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        pointer = root / f".CURRENT-{os.getpid()}"
        pointer.write_text(fingerprint)
        os.replace(pointer, root / "CURRENT")
        _prune(root, keep=target)
    return target, True


def _prune(root: Path, keep: Path) -> None:
    """Delete old builds, keeping a few in case a worker still reads one."""
    builds = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                    key=lambda p: p.stat().st_mtime, reverse=True)  # fmt: skip
    for old in [b for b in builds if b != keep][KEEP_BUILDS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


APPLIED = "APPLIED"  # in a build folder: the FAQ change counter its articles are up to date with
UPDATES = "UPDATES"  # in a build folder: one line per update: counter, documents replaced, removed


def applied_counter(build: Path, epoch: str) -> int:
    """The change counter a build was brought up to (-1: never compared with this database)."""
    try:
        applied_epoch, _, counter = (build / APPLIED).read_text().partition(" ")
        return int(counter) if applied_epoch == epoch else -1
    except (FileNotFoundError, ValueError):
        return -1


def update_live_index(root: Path, version: tuple[str, int], changes, catalog: Catalog, glossary: analysis.Glossary):
    """Bring the live build's articles up to ``version`` (database epoch, counter), document by document.

    ``changes(since)`` returns the published articles changed after ``since`` (all of them when
    ``since`` is -1) and the slugs to take out. Under the build lock: the first worker of the node
    applies, the others find ``APPLIED`` up to date. Returns (updated, deleted) counts, or None
    when there was nothing to do. On the first pass, documents whose digest matches are skipped
    and article documents the database does not publish are deleted.
    """
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        epoch, counter = version
        live = current_build(root)
        since = applied_counter(live, epoch) if live is not None else counter
        if live is None or since >= counter:
            return None
        articles, gone = changes(since)
        docs = [article_document(a, catalog) for a in articles]
        deleted = {f"article:{slug}" for slug in gone}
        if since < 0:
            stored = search.stored_digests(live, "article")
            docs = [d for d in docs if stored.get(d.id) != digest(d)]
            deleted = set(stored) - {f"article:{a.slug}" for a in articles}
        if docs or deleted:
            search.update_index(live, docs, sorted(deleted), glossary.phrases())
        with open(live / UPDATES, "a", encoding="utf-8") as record:  # for operators: what changed when
            record.write(f"{counter} {len(docs)} {len(deleted)}\n")
        pointer = live / f".{APPLIED}-{os.getpid()}"
        pointer.write_text(f"{epoch} {counter}")
        os.replace(pointer, live / APPLIED)
    return len(docs), len(deleted)


class SearcherPool:
    """Per-thread searchers over the live index, reopened when ``CURRENT`` changes or on ``refresh``."""

    def __init__(self, root: Path):
        self.root = root
        self.local = threading.local()
        self.generation = 0

    def refresh(self) -> None:
        """Make every thread reopen its searcher on next use (the live build was updated in place)."""
        self.generation += 1

    def get(self) -> search.Searcher:
        """Return this thread's searcher, fresh if the index was rebuilt or updated."""
        live = current_build(self.root)
        if live is None:
            raise FileNotFoundError(f"no search index in {self.root}")
        current = getattr(self.local, "searcher", None)
        build = f"{live.name}:{self.generation}"
        if current is None or getattr(self.local, "build", None) != build:
            if current is not None:
                current.close()
            self.local.searcher = search.open_index(live)
            self.local.build = build
        return self.local.searcher
