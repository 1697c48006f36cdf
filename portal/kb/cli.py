"""``flask kb …`` commands: rebuild the search index, check the articles."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal.kb.index import ensure_index, index_path, kb_path, render_cache_path
from portal.kb.loader import check_articles, load_knowledge_base

kb_cli = AppGroup("kb", help="Kelola basis pengetahuan (FAQ) dan indeks pencarian.")


@kb_cli.command("reindex")
@click.option("--force/--if-stale", default=True, help="Bangun ulang walaupun indeks masih mutakhir.")
def reindex(force: bool) -> None:
    """Rebuild the search index from kb/ and the catalog."""
    kb = load_knowledge_base(kb_path(current_app), render_cache_path(current_app))
    started = time.perf_counter()

    def progress(count: int) -> None:
        if count % 25 == 0:
            click.echo(f"  {count} dokumen diindeks …")

    path, built = ensure_index(
        index_path(current_app),
        kb,
        current_app.extensions["catalog"],
        current_app.extensions["glossary"],
        force=force,
        progress=progress,
    )
    seconds = time.perf_counter() - started
    state = "dibangun" if built else "sudah mutakhir"
    click.echo(f"Indeks {state}: {len(kb.articles)} artikel + katalog di {path} ({seconds:.1f} detik).")


@kb_cli.command("check")
def check() -> None:
    """Validate the articles' metadata; exit 1 on errors."""
    kb = load_knowledge_base(kb_path(current_app), render_cache_path(current_app))
    problems = check_articles(kb, set(current_app.extensions["catalog"].nodes))
    for problem in problems:
        click.echo(f"GALAT: {problem}")
    click.echo(f"{len(kb.articles)} artikel diperiksa, {len(problems)} galat.")
    if problems:
        raise SystemExit(1)
