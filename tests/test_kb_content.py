"""The FAQ content: coverage of the catalog, valid metadata, safe rendering."""

from __future__ import annotations

from pathlib import Path

from portal.kb.loader import check_articles, load_knowledge_base, render_markdown

KB = Path(__file__).resolve().parent.parent / "kb"


def leaf_codes(catalog):
    """Sub-scopes, and services that have none: the codes that each need an FAQ."""
    codes = []
    for service in catalog.services:
        codes.extend([s.code for s in service.subscopes] or [service.code])
    return codes


def test_every_catalog_code_has_three_articles(app):
    kb = load_knowledge_base(KB)
    catalog = app.extensions["catalog"]
    counts = {code: len([a for a in kb.articles if a.folder == code]) for code in leaf_codes(catalog)}
    assert len(counts) == 24
    assert all(n >= 3 for n in counts.values()), counts
    assert len(kb.articles) >= 72


def test_every_article_is_valid(app):
    kb = load_knowledge_base(KB)
    assert check_articles(kb, set(app.extensions["catalog"].nodes)) == []


def test_check_finds_problems(app, tmp_path):
    folder = tmp_path / "BCSM.02.01"
    folder.mkdir()
    (folder / "a.md").write_text('+++\ntitle = ""\ncodes = ["XXXX.01"]\nrelated = ["nope"]\n+++\nIsi.\n')
    other = tmp_path / "ZZZZ.01"
    other.mkdir()
    (other / "a.md").write_text('+++\ntitle = "T"\ncodes = ["ZZZZ.01"]\nupdated = 2026-01-01\n+++\nIsi.\n')
    problems = "\n".join(check_articles(load_knowledge_base(tmp_path), set(app.extensions["catalog"].nodes)))
    assert "slug 'a' ganda" in problems
    assert "judul (title) kosong" in problems
    assert "kode 'XXXX.01' tidak ada di katalog" in problems
    assert "artikel terkait 'nope' tidak ada" in problems
    assert "folder 'ZZZZ.01' bukan kode katalog" in problems
    assert "tanggal 'updated'" in problems


def test_rendering_sanitises_even_our_own_content():
    html = render_markdown(
        '## Judul\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html
    assert '<h2 id="judul">Judul</h2>' in html
    assert "<table>" in html


def test_kb_check_command(runner):
    result = runner.invoke(args=["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "0 galat" in result.output
