"""The search engine's speed measures keep its answers: cached lengths, joined phrases, parallel
builds, the vocabulary for "did you mean", and the cache of rendered articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh import scoring

from portal.kb import analysis, loader, search
from portal.kb.index import current_build, documents

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["pembatalan sp2d", "lupa password sakti", "tarif layanan blu", "gaji pns", "rekening satker"]


@pytest.fixture(scope="module")
def docs(app_for_module):
    """The shipped articles and catalog as index documents."""
    kb = app_for_module.extensions["kb"]
    return list(documents(kb, app_for_module.extensions["catalog"]))


@pytest.fixture(scope="module")
def app_for_module(tmp_path_factory, shared_index):
    """One app (only its KB and catalog are used)."""
    from portal import create_app

    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path_factory.mktemp("i")),
                       "KB_INDEX_PATH": shared_index, "SQLALCHEMY_DATABASE_URI": "sqlite://"})  # fmt: skip


def ranked(searcher, query, weighting):
    """(url, score) of the top 10 for ``query`` under a weighting model."""
    glossary = analysis.load_glossary()
    q = search.build_query(glossary.expand_query(analysis.analyze(query)), "or")
    with searcher.index.searcher(weighting=weighting) as s:
        return [(hit["url"], round(hit.score, 9)) for hit in s.search(q, limit=10)]


def test_cached_lengths_score_exactly_like_whoosh_bm25f(app_for_module, shared_index):
    searcher = search.open_index(current_build(Path(shared_index)))
    try:
        for query in QUERIES:
            expected = ranked(searcher, query, scoring.BM25F())
            assert expected and ranked(searcher, query, search.MemoryLengthBM25F()) == expected
    finally:
        searcher.close()


def test_long_form_is_one_token_in_the_index(docs, tmp_path):
    glossary = analysis.load_glossary()
    sp2d_long = next(f for f in glossary.expansions("sp2d") if len(f) > 1)
    assert search.content_tokens(["cek", *sp2d_long, "kppn"], {sp2d_long[0]: (sp2d_long,)})[-1] == "_".join(sp2d_long)
    search.build_index(tmp_path / "ix", docs, glossary.phrases())
    searcher = search.open_index(tmp_path / "ix")
    try:
        assert searcher.known(search.joined(sp2d_long))  # the catalog spells SP2D out somewhere
        assert not searcher.index.schema["content"].format.supports("positions")  # no phrase queries
    finally:
        searcher.close()


def test_parallel_build_finds_what_a_single_process_finds(docs, tmp_path, monkeypatch):
    glossary = analysis.load_glossary()
    search.build_index(tmp_path / "one", docs, glossary.phrases())
    monkeypatch.setattr(search, "PARALLEL_FROM", 1)
    search.build_index(tmp_path / "two", docs, glossary.phrases())
    one, two = search.open_index(tmp_path / "one"), search.open_index(tmp_path / "two")
    try:
        assert len(two.searcher.reader().leaf_readers()) == 2  # really two segments
        for query in QUERIES:
            groups = glossary.expand_query(analysis.analyze(query))
            first = one.search(groups, conjunction="or", scope=None, limit=10)[0]
            second = two.search(groups, conjunction="or", scope=None, limit=10)[0]
            assert {h.url for h in first} == {h.url for h in second} and first
    finally:
        one.close()
        two.close()


def test_parallel_build_falls_back_to_one_process_when_the_system_refuses(docs, tmp_path, monkeypatch):
    real, tried = search._write, []

    def refusing(path, documents, by_first, procs, progress):
        tried.append(procs)
        if procs > 1:  # what multiprocessing raises without /dev/shm, after writing part of the index
            path.mkdir(parents=True, exist_ok=True)
            (path / "half-written").write_text("x")
            raise OSError("[Errno 38] Function not implemented")
        return real(path, documents, by_first, procs, progress)

    monkeypatch.setattr(search, "_write", refusing)
    monkeypatch.setattr(search, "PARALLEL_FROM", 1)
    monkeypatch.setattr(search.os, "cpu_count", lambda: 2)
    assert search.build_index(tmp_path / "ix", docs, analysis.load_glossary().phrases()) == len(docs)
    assert tried == [2, 1] and not (tmp_path / "ix" / "half-written").exists()
    searcher = search.open_index(tmp_path / "ix")
    try:
        assert searcher.known("sp2d") and searcher.known_word("sp2d")
    finally:
        searcher.close()


def test_vocabulary_prefers_the_more_frequent_of_equally_close_words():
    corrector = search.WordCorrector({"rekening": 40, "rekenang": 1, "pembayaran": 12})
    assert corrector.suggest("rekenieng", limit=1, maxdist=2, prefix=1) == ["rekening"]
    assert search.WordCorrector({"rekening": 1, "rekenang": 40}).suggest("rekenong", limit=1, prefix=1) == ["rekenang"]
    # Every word within the distance is found, the first of the sorted list too.
    words = {"aplikasi": 3, "rekenang": 1, "rekening": 1, "rekenong": 1, "rekenung": 1, "sakti": 1}
    assert sorted(search.WordCorrector(words).suggest("rekenxng", limit=9, prefix=1)) == [
        "rekenang", "rekening", "rekenong", "rekenung"]  # fmt: skip


def test_rendered_articles_are_reused_between_loads(tmp_path, monkeypatch):
    kb = tmp_path / "kb"
    (kb / "ITSM.02").mkdir(parents=True)
    for n in range(3):
        (kb / "ITSM.02" / f"a{n}.md").write_text(f'+++\ntitle = "A{n}"\n+++\n\nIsi **{n}**.\n')
    calls = []
    real = loader.render_markdown
    monkeypatch.setattr(loader, "render_markdown", lambda s: calls.append(s) or real(s))
    cache = tmp_path / "rendered.json"
    first = loader.load_knowledge_base(kb, cache)
    assert len(calls) == 3 and first.by_slug["a1"].html == "<p>Isi <strong>1</strong>.</p>"
    (kb / "ITSM.02" / "a2.md").write_text('+++\ntitle = "A2"\n+++\n\nIsi baru.\n')
    second = loader.load_knowledge_base(kb, cache)
    assert len(calls) == 4  # only the changed article
    assert second.by_slug["a2"].text == "Isi baru." and second.by_slug["a0"].text == "Isi 0."
    assert len(json.loads(cache.read_text())["entries"]) == 3  # the old a2 is dropped
    monkeypatch.setattr(loader, "RENDERER", "another-renderer")
    (kb / "ITSM.02" / "a0.md").write_text('+++\ntitle = "A0"\n+++\n\nIsi **0**.\n\n')
    loader.load_knowledge_base(kb, cache)
    assert len(calls) == 7  # a new renderer renders everything again


@pytest.mark.parametrize("garbage", ["", "{", "[]", '{"renderer": 1}', '{"renderer": "x", "entries": []}'])
def test_a_damaged_render_cache_is_ignored(tmp_path, garbage):
    kb = tmp_path / "kb"
    (kb / "ITSM.02").mkdir(parents=True)
    (kb / "ITSM.02" / "a.md").write_text('+++\ntitle = "A"\n+++\n\nIsi.\n')
    cache = tmp_path / "rendered.json"
    cache.write_text(garbage)
    assert loader.load_knowledge_base(kb, cache).by_slug["a"].html == "<p>Isi.</p>"
    assert json.loads(cache.read_text())["renderer"] == loader.RENDERER


def test_snippet_comes_from_the_stretch_with_most_matches_and_is_escaped():
    from types import SimpleNamespace

    from whoosh import highlight

    assert search.densest([0, 10, 1000, 1010, 1020], 100) == 1000
    text = "awal SP2D " + "kata lain " * 300 + "<b>SP2D</b> dibatalkan, pembatalan SP2D " + "penutup " * 200
    shape = SimpleNamespace(formatter=highlight.HtmlFormatter(tagname="mark", between=" … "),
                            fragmenter=highlight.ContextFragmenter(maxchars=220, surround=60))  # fmt: skip
    snippet = search.Searcher.snippet(shape, text, {"sp2d", "batal"})
    assert snippet.count("<mark") >= 3 and "&lt;b&gt;" in snippet and "<b>" not in snippet
    assert "awal" not in snippet  # the lone early match loses to the dense stretch
    assert search.Searcher.snippet(shape, "tidak ada <i>apa-apa</i> di sini", {"sp2d"}).startswith(
        "tidak ada &lt;i&gt;"
    )
