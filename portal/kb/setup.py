"""Wire the knowledge base into an application: content, glossary, index, searchers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.kb import analysis
from portal.kb.index import SearcherPool, ensure_index
from portal.kb.loader import load_knowledge_base
from portal.kb.service import SearchService


def kb_path(app: Flask) -> Path:
    """Folder of the FAQ articles (``KB_PATH``, default ``kb/`` of the repository)."""
    return Path(app.config["KB_PATH"])


def index_path(app: Flask) -> Path:
    """Folder of the search index builds (``KB_INDEX_PATH``, default ``instance/kb_index``)."""
    return Path(app.config.get("KB_INDEX_PATH") or Path(app.instance_path) / "kb_index")


def render_cache_path(app: Flask) -> Path:
    """File of rendered article bodies kept between starts (next to the index builds)."""
    return index_path(app) / "rendered.json"


def init_app(app: Flask) -> None:
    """Load the articles and glossary, build the index if stale, prepare searchers."""
    kb = load_knowledge_base(kb_path(app), render_cache_path(app))
    glossary = analysis.load_glossary(app.config.get("KB_GLOSSARY") or None)
    ensure_index(index_path(app), kb, app.extensions["catalog"], glossary)
    app.extensions["kb"] = kb
    app.extensions["glossary"] = glossary
    app.extensions["search"] = SearchService(SearcherPool(index_path(app)), glossary)
