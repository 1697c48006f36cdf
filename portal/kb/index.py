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
from portal.kb.loader import KnowledgeBase

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


def documents(kb: KnowledgeBase, catalog: Catalog):
    """Yield the FAQ articles and the catalog's services and sub-scopes as documents."""
    for article in kb.articles:
        scope = set()
        for code in article.codes:
            scope |= _scope_of(catalog, code)
        yield search.Document(
            id=f"article:{article.slug}",
            kind="article",
            title=article.title,
            body=article.text,
            tags=" ".join(article.tags),
            codes=article.codes,
            scope=tuple(sorted(scope)),
            url=f"/faq/{article.folder}/{article.slug}",
        )
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


class SearcherPool:
    """Per-thread searchers over the live index, reopened when ``CURRENT`` changes."""

    def __init__(self, root: Path):
        self.root = root
        self.local = threading.local()

    def get(self) -> search.Searcher:
        """Return this thread's searcher, fresh if the index was rebuilt."""
        live = current_build(self.root)
        if live is None:
            raise FileNotFoundError(f"no search index in {self.root}")
        current = getattr(self.local, "searcher", None)
        if current is None or getattr(self.local, "build", None) != live.name:
            if current is not None:
                current.close()
            self.local.searcher = search.open_index(live)
            self.local.build = live.name
        return self.local.searcher
