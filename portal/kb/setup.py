"""Wire the knowledge base into an application: content, glossary, index, searchers, pages, CLI."""

from __future__ import annotations

from flask import Flask

from portal.kb import analysis
from portal.kb.cli import kb_cli
from portal.kb.index import SearcherPool, ensure_index, index_path, kb_path, render_cache_path
from portal.kb.loader import load_knowledge_base
from portal.kb.service import SearchService
from portal.kb.views import bp


def init_app(app: Flask) -> None:
    """Load the articles and glossary, build the index if stale, prepare searchers, add pages and CLI."""
    kb = load_knowledge_base(kb_path(app), render_cache_path(app))
    glossary = analysis.load_glossary(app.config.get("KB_GLOSSARY") or None)
    ensure_index(index_path(app), kb, app.extensions["catalog"], glossary)
    app.extensions["kb"] = kb
    app.extensions["glossary"] = glossary
    app.extensions["search"] = SearchService(SearcherPool(index_path(app)), glossary)
    app.register_blueprint(bp)
    app.cli.add_command(kb_cli)
