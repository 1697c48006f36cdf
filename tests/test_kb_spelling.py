"""Issue 17: a correctly spelled word is never changed; a correction only helps when the words
as typed find little; problem words find the right articles; corrections count as misses."""

from __future__ import annotations

import pytest

from portal.core.clock import today
from portal.extensions import db
from portal.kb import service as rules

# The issue's table: what users typed and what the search ran instead.
ISSUE_PAIRS = [
    ("sp2d gagal", "sp2d galat"),
    ("korupsi", "koreksi"),
    ("pembayaran terlambat", "pembayaran terlibat"),
    ("suap", "siap"),
    ("tidak ramah", "tidak rumah"),
    ("pelayanan buruk", "pelayanan baru"),
    ("suap petugas", "siap petugas"),
]


@pytest.fixture
def engine(app):
    return app.extensions["search"]


@pytest.mark.parametrize(("typed", "was_run_as"), ISSUE_PAIRS)
def test_right_words_are_never_replaced(engine, typed, was_run_as):
    result = engine.search(typed)
    assert result.suggestion is None and result.shown_for is None, was_run_as
    assert result.hits, f"{typed!r} finds nothing"


@pytest.mark.parametrize(
    "word",
    ["gagal", "korupsi", "terlambat", "suap", "ramah", "buruk", "ditolak", "terkunci", "retur", "SP2D", "KPPN",
     "satkernya", "sign", "dirjen", "bpjs", "221"],
)  # fmt: skip
def test_valid_words(engine, word):
    # Known to the Sastrawi dictionary (directly or through the stemmer), acronyms, codes,
    # words of the glossary's forms ("sign" of "single sign on").
    assert rules.is_valid_word(word, engine.glossary_words)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("pembatalan rekenig", "pembatalan rekening"), ("lupa pasword sakti", "lupa password sakti"),
     ("pembayran gaji", "pembayaran gaji"), ("vidio confrence kanwil", "video conference kanwil"),
     ("pengadauan pelayanan kppn", "pengaduan pelayanan kppn")],
)  # fmt: skip
def test_real_misspellings_are_still_corrected(engine, typed, suggested):
    result = engine.search(typed)
    assert result.suggestion == suggested
    assert result.shown_for == suggested and result.hits
    wrong = [w for w, right in zip(typed.split(), suggested.split(), strict=True) if w != right]
    assert wrong and not any(rules.is_valid_word(w, engine.glossary_words) for w in wrong)


def test_no_suggestion_when_the_words_as_typed_find_enough(engine, monkeypatch):
    # "revisi dipa" finds many results: the suggestion machinery is not even asked.
    monkeypatch.setattr(rules, "did_you_mean", lambda *a, **k: pytest.fail("asked for a suggestion"))
    assert len(engine.search("revisi DIPA").hits) >= rules.FEW


def test_own_results_come_before_the_suggestions(engine, monkeypatch):
    # "pembayaran terlambat" finds one result with every word as typed: it leads, and what a
    # suggestion finds (forced here) follows it.
    own, _more = engine._run(engine.pool.get(), "pembayaran terlambat", "and", None, 10, 0)
    assert 0 < len(own) < rules.FEW
    monkeypatch.setattr(rules, "did_you_mean", lambda *a, **k: "lupa password sakti")
    result = engine.search("pembayaran terlambat", per_page=10)
    assert [h.url for h in result.hits[: len(own)]] == [h.url for h in own]
    assert result.shown_for == "lupa password sakti" and len(result.hits) > len(own)


@pytest.mark.parametrize(
    ("query", "codes"),
    [("sp2d gagal", {"CRSM.01", "BCSM.02.01", "ITSM.01.03"}), ("sp2d retur", {"CRSM.01", "BCSM.02.01"}),
     ("spm ditolak", {"BCSM.02.01", "CRSM.01", "ITSM.01.04"}), ("akun sakti terkunci", {"CRSM.01", "ITSM.01.04"}),
     ("dana belum masuk", {"CRSM.01"}), ("tidak bisa login", {"ITSM.01.01", "ITSM.01.03", "CRSM.01"}),
     ("pembayaran terlambat", {"CRSM.01", "BCSM.02.01"}), ("error sakti", {"ITSM.01.04", "CRSM.01"}),
     ("suap", {"WBSM.01"}), ("korupsi", {"WBSM.01"}), ("petugas tidak ramah", {"WBSM.01"})],
)  # fmt: skip
def test_problem_words_find_the_right_articles(engine, query, codes):
    hits = engine.search(query, per_page=5).hits
    assert any(codes & set(h.codes) for h in hits), [h.codes for h in hits]


def test_problem_words_work_through_the_glossary_synonyms(engine):
    # "suap" is in no article: only the glossary group (suap ... pengaduan kode etik) finds SIAP.
    assert engine.glossary.expansions("suap")
    assert any("WBSM.01" in h.codes for h in engine.search("suap").hits)


def test_search_answered_through_a_suggestion_counts_as_a_miss(app, client):
    client.get("/cari?q=lupa+pasword+sakti")
    client.get("/cari?q=revisi+DIPA")
    client.get("/api/v1/search?q=pembatalan+rekenig")
    with app.app_context():
        missed = dict(rules.search_misses(db.session(), today()))
    assert missed == {"lupa pasword sakti": 1, "pembatalan rekenig": 1}


@pytest.mark.parametrize("bad", ['[[synonyms]]\nwords = "gagal"\n', '[[synonyms]]\nkata = ["gagal"]\n',
                                 'synonyms = "gagal"\n', '[[synonyms]]\nwords = ["yang"]\n'])  # fmt: skip
def test_a_wrong_synonym_group_is_refused(tmp_path, bad):
    from portal.kb import analysis

    path = tmp_path / "glossary.toml"
    path.write_text(bad)
    with pytest.raises(ValueError, match="synonyms"):
        analysis.load_glossary(path)
