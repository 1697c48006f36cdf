"""The Indonesian analyzer and the acronym glossary of the knowledge-base search."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from portal.kb import analysis as a

ROOT = Path(__file__).resolve().parent.parent
PLAIN = StemmerFactory().create_stemmer().delegatedStemmer  # unmodified PySastrawi, for comparison


def plain(word: str) -> str:
    return PLAIN.stem_word(word)


def norm_all(*words: str) -> set[str | None]:
    return {a.normalize(w) for w in words}


@pytest.fixture(scope="module")
def glossary():
    return a.load_glossary()


# --- affixes, acronyms, hyphens ---------------------------------------------------------------


def test_affixed_forms_of_one_verb_meet():
    assert norm_all("membayar", "pembayaran", "dibayarkan", "bayar", "Pembayaran") == {"bayar"}
    assert norm_all("pencairan", "dicairkan", "mencairkan") == {"cair"}


def test_acronym_case_and_clitics_meet():
    assert norm_all("SP2D", "sp2d", "Sp2d", "SP2D-nya", "sp2dnya", "SP2D-Nya") == {"sp2d"}
    assert norm_all("satker", "Satker", "satkernya", "Satker-nya", "satkerku") == {"satker"}
    assert norm_all("DIPA", "dipanya", "DIPA-nya") == {"dipa"}


def test_hyphenated_acronyms_are_joined():
    assert norm_all("OM-SPAN", "OMSPAN", "omspan", "Om-Span", "OM-SPANnya") == {"omspan"}
    assert norm_all("e-Billing", "ebilling", "E-BILLING") == {"ebilling"}
    assert a.normalize("MPN-G3") == "mpng3"
    assert a.normalize("SIMAK-BMN") == "simakbmn"
    assert a.normalize("set-up") == "setup"


def test_om_span_in_two_words_meets_omspan_through_the_glossary(glossary):
    assert a.analyze("OM SPAN") == ["om", "span"]
    [(text, alternatives)] = glossary.expand_query(a.analyze("OM SPAN"))
    assert text == "om span" and ("omspan",) in alternatives
    assert ("om", "span") in glossary.expansions("omspan")


def test_clitic_stripping_does_not_eat_words():
    assert a.normalize("paku") == "paku"  # not PA + -ku
    assert a.normalize("masalah") == "masalah"  # not masa + -lah
    assert a.normalize("sekolah") == "sekolah"


def test_unicode_is_folded():
    assert a.normalize("ＳＰ２Ｄ") == "sp2d"  # full-width, as pasted from some PDFs
    assert a.normalize("SP2D\u2011nya") == "sp2d"  # non-breaking hyphen
    assert a.normalize("x" * 65) is None
    assert " " not in a.normalize("\ufdfa")  # one letter, NFKC gives four words


# --- domain overlay: every entry against what plain Sastrawi does --------------------------------

# word -> what plain PySastrawi 1.2.1 gives; we keep the word whole.
KEEP_WHOLE_PLAIN = {
    "pendapatan": "dapat",
    "pengadaan": "ada",
    "perbendaharaan": "bendahara",
    "pemerintah": "perintah",
    "kinerja": "kerja",
    "keuangan": "uang",
    "satuan": "satu",
    "persediaan": "sedia",
}
# removed root -> (a word plain Sastrawi wrongly stems to it, the stem we give instead)
REMOVED_CASES = {
    "paja": ("perpajakan", "pajak"),
    "kesah": ("pengesahan", "sah"),
    "mungut": ("pemungutan", "pungut"),
    "tari": ("penarikan", "tarik"),
    "pena": ("penanya", "tanya"),
    "tega": ("penegakan", "tegak"),
}
# exact override -> what plain Sastrawi gives
OVERRIDE_PLAIN = {"perbankan": "perban", "berbasis": "bas"}
# affixed forms of added roots, which plain Sastrawi leaves untouched
ADDED_EXAMPLES = {
    "diinput": "input",
    "penginputan": "input",
    "melogin": "login",
    "mengupload": "upload",
    "direset": "reset",
    "pertanggungjawaban": "tanggungjawab",
    "penandatanganan": "tandatangan",
    "ditandatangani": "tandatangan",
    "pemindahbukuan": "pindahbuku",
    "penatausahaan": "tatausaha",
}


def test_overlay_tables_cover_every_overlay_entry():
    assert set(KEEP_WHOLE_PLAIN) == a.KEEP_WHOLE
    assert set(REMOVED_CASES) == a.ROOTS_REMOVED
    assert set(OVERRIDE_PLAIN) == set(a.STEM_OVERRIDES)


@pytest.mark.parametrize("word", sorted(KEEP_WHOLE_PLAIN))
def test_kept_whole(word):
    assert plain(word) == KEEP_WHOLE_PLAIN[word]
    assert a.normalize(word) == word
    assert a.normalize(word + "nya") == word


@pytest.mark.parametrize("root", sorted(REMOVED_CASES))
def test_removed_roots(root):
    word, ours = REMOVED_CASES[root]
    assert plain(word) == root
    assert a.normalize(word) == ours


@pytest.mark.parametrize("word", sorted(OVERRIDE_PLAIN))
def test_exact_overrides(word):
    assert plain(word) == OVERRIDE_PLAIN[word]
    assert a.normalize(word) == a.STEM_OVERRIDES[word]


@pytest.mark.parametrize("root", sorted(a.ROOTS_ADDED))
def test_added_roots(root):
    assert plain(root + "nya") == root + "nya"  # missing from the Kateglo dictionary
    assert a.normalize(root + "nya") == root


@pytest.mark.parametrize("word", sorted(ADDED_EXAMPLES))
def test_added_roots_affixed(word):
    assert plain(word) == word
    assert a.normalize(word) == ADDED_EXAMPLES[word]


def test_more_derivations_follow_the_overlay():
    assert norm_all("mengesahkan", "pengesahannya", "disahkan") == {"sah"}
    assert norm_all("pemerintahan", "pemerintahnya", "pemerintah") == {"pemerintah"}
    assert a.normalize("penarikannya") == "tarik"
    assert a.analyze("Instansi Berbasis Akrual") == ["instansi", "basis", "akrual"]


def test_protected_words_are_never_stemmed():
    assert all(a.stem(word) == word for word in a.PROTECTED)
    assert a.normalize("sakti") == "sakti" and a.normalize("SPAN") == "span"


# --- stopwords, digits, reduplication --------------------------------------------------------


def test_function_words_are_dropped():
    assert a.analyze("Bagaimana cara saya mengajukan yang tersebut kepadanya, itulah dan secara berupa") == [
        "cara",
        "aju",
    ]
    assert all(a.normalize(word) is None for word in a.STOPWORDS)


@pytest.mark.parametrize(
    "word", ["bulan", "hari", "akhir", "awal", "lebih", "kurang", "kembali", "baru", "jumlah", "tidak", "belum",
             "sudah", "bisa", "dapat", "ada", "bukan", "pihak", "masuk", "keluar"],
)  # fmt: skip
def test_meaningful_words_are_kept(word):
    assert a.normalize(word) == word


def test_stopwords_apply_to_surface_forms_not_stems():
    assert a.normalize("pengembalian") == "kembali"
    assert a.normalize("penyampaian") == "sampai"
    assert a.analyze("lebih bayar akhir tahun anggaran") == ["lebih", "bayar", "akhir", "tahun", "anggar"]


def test_words_with_digits_are_never_stemmed():
    assert a.normalize("pembayaran2") == "pembayaran2"
    assert a.stem("penyetoran1") == "penyetoran1"
    assert a.normalize("COVID-19") == "covid19"
    assert a.analyze("PMK Nomor 221/PMK.01/2021") == ["pmk", "nomor", "221", "pmk", "01", "2021"]
    assert a.analyze("KEP-272/PB/2017") == ["kep272", "pb", "2017"]


@pytest.mark.parametrize(
    ("word", "base"),
    [("kata-kata", "kata"), ("rekening-rekening", "rekening"), ("rekening-rekeningnya", "rekening"),
     ("sehari-hari", "hari"), ("KPPN-KPPN", "kppn"), ("A1-A1", "a1"), ("Satker-satker", "satker")],
)  # fmt: skip
def test_reduplication_gives_the_base(word, base):
    assert a.normalize(word) == base


# --- tokenize ---------------------------------------------------------------------------------


def test_tokenize_keeps_hyphenated_words_and_offsets_slice_back():
    text = "Cek OM-SPAN, e-Billing & SP2D-nya (set-up) di Kanwil—KPPN_x kode-  221/PMK.01/2021 Ñandú"
    tokens = list(a.tokenize(text))
    assert [raw for raw, _, _ in tokens] == [
        "Cek", "OM-SPAN", "e-Billing", "SP2D-nya", "set-up", "di", "Kanwil", "KPPN", "x", "kode",
        "221", "PMK", "01", "2021", "Ñandú",
    ]  # fmt: skip
    assert all(text[start:end] == raw for raw, start, end in tokens)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aeiknprsuABDS2019-/. _ñ\u2011"), max_size=40) | st.text(max_size=40))
def test_tokenize_and_normalize_never_break(text):
    last = 0
    for raw, start, end in a.tokenize(text):
        assert text[start:end] == raw and start >= last and raw
        last = end
        token = a.normalize(raw)
        assert token is None or (token and not re.search(r"[\s-]", token))


# --- glossary ---------------------------------------------------------------------------------


def test_acronym_expands_to_its_long_form(glossary):
    assert ("surat", "perintah", "cair", "dana") in glossary.expansions("sp2d")
    assert ("daftar", "isi", "laksana", "anggar") in glossary.expansions("dipa")
    assert glossary.expansions("bayar") == ()


def test_long_form_run_offers_the_acronym(glossary):
    groups = glossary.expand_query(a.analyze("cara menerbitkan Surat Perintah Pencairan Dana"))
    assert groups[0] == ("cara", (("cara",),))
    assert groups[1] == ("terbit", (("terbit",),))
    text, alternatives = groups[2]
    assert text == "surat perintah cair dana"
    assert alternatives[0] == ("surat", "perintah", "cair", "dana") and ("sp2d",) in alternatives
    assert len(groups) == 3


def test_acronym_in_a_query_is_grouped_with_its_long_form(glossary):
    [(text, alternatives)] = glossary.expand_query(["sp2d"])
    assert text == "sp2d" and alternatives == (("sp2d",), ("surat", "perintah", "cair", "dana"))


def test_longest_long_form_wins(glossary):
    [(text, alternatives)] = glossary.expand_query(a.analyze("kuasa pengguna anggaran"))
    assert ("kpa",) in alternatives and ("pa",) not in alternatives


def test_short_acronym_is_found_from_its_long_form_only(glossary):
    assert glossary.expansions("up") == ()
    [(_, alternatives)] = glossary.expand_query(a.analyze("uang persediaan"))
    assert ("up",) in alternatives


def test_shipped_glossary_is_sound(glossary):
    terms = tomllib.loads(a.GLOSSARY_PATH.read_text())["terms"]
    assert 60 <= glossary.terms == len(terms) <= 150
    owner: dict[tuple[str, ...], str] = {}
    for term in terms:
        acronym = term["acronym"]
        # acronyms must survive analysis unstemmed (else "berbasis" -> "bas" style collisions)
        assert a.analyze(acronym) == [p.lower().replace("-", "") for p in re.split(r"[/\s]+", acronym)], acronym
        for form in map(tuple, map(a.analyze, term.get("long", []))):
            assert owner.setdefault(form, acronym) == acronym, f"{form} belongs to {owner[form]} and {acronym}"


def test_glossary_version_follows_the_file(tmp_path):
    path = tmp_path / "glossary.toml"
    path.write_bytes(a.GLOSSARY_PATH.read_bytes())
    first = a.load_glossary(path)
    assert first.version == a.load_glossary().version == a.load_glossary(path).version
    path.write_text(path.read_text() + '\n[[terms]]\nacronym = "XYZ"\nlong = ["contoh baru"]\n')
    second = a.load_glossary(path)
    assert second.version != first.version
    assert second.expansions("xyz") == (("contoh", "baru"),)


@pytest.mark.parametrize(
    "body",
    [
        '[[terms]]\nacronym = "SP2D"\nlong = "surat perintah"\n',  # not a list
        '[[terms]]\nacronym = "SP2D"\nlongs = ["surat perintah"]\n',  # misspelt key
        '[[terms]]\nlong = ["surat perintah"]\n',  # no acronym
        '[[terms]]\nacronym = "X"\nlong = ["yang dan"]\n',  # only stopwords
        '[[terms]]\nacronym = "X"\nlong = ["a"]\nexpand_acronym = "no"\n',
        "[[terms]\n",  # broken TOML
    ],
)
def test_glossary_errors_name_the_problem(tmp_path, body):
    path = tmp_path / "glossary.toml"
    path.write_text(body)
    with pytest.raises(ValueError):
        a.load_glossary(path)


# --- version, caching, house rules ------------------------------------------------------------


def test_analyzer_version_is_stable_across_imports():
    code = "from portal.kb.analysis import ANALYZER_VERSION; print(ANALYZER_VERSION)"
    seen = set()
    for seed in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
        seen.add(done.stdout.strip())
    assert seen == {a.ANALYZER_VERSION}
    assert re.fullmatch(r"\d+\.[0-9a-f]{10}", a.ANALYZER_VERSION)


def test_analyzer_version_follows_the_word_lists(monkeypatch):
    before = a._data_digest()
    monkeypatch.setattr(a, "STOPWORDS", a.STOPWORDS | {"contoh"})
    assert a._data_digest() != before


def test_stem_and_normalize_are_cached_and_pickle_as_references():
    text = "Pembayaran SP2D dicairkan oleh KPPN setelah SPM diterima, lalu dicairkan lagi"
    a.normalize.cache_clear()
    a.stem.cache_clear()
    a.analyze(text)
    assert a.stem.cache_info().hits == 0 and a.normalize.cache_info().hits == 1  # "dicairkan" twice
    stems = a.stem.cache_info().misses
    a.analyze(text)
    assert a.normalize.cache_info().hits > 1 and a.stem.cache_info().misses == stems
    dumped = pickle.dumps(a.stem)
    assert len(dumped) < 100 and pickle.loads(dumped) is a.stem  # noqa: S301 - our own bytes


def test_analysis_does_not_import_whoosh():
    code = "import sys, portal.kb.analysis as a; a.analyze('bayar'); a.load_glossary(); print('whoosh' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr
