"""Indonesian text analysis for the knowledge-base search, and the acronym glossary.

Pure Python on purpose: ``portal.kb.search`` wraps ``tokenize`` + ``normalize`` into a Whoosh
tokenizer, and the benchmark feeds the very same tokens to SQLite FTS5. Pipeline per raw token:
fold (NFKC, lower case, one kind of hyphen) -> strip clitics where that is safe -> curated
stopwords -> ``stem`` (domain overlay first, then PySastrawi). The glossary expands *queries*;
the index only marks where its multi-word forms occur (one joined token each), and a glossary
edit rebuilds the index by itself (its hash is part of the index fingerprint). Measurements and the reasons behind
every list below: shared/research/search.md, sections 2, 3, 6 and 7.

PySastrawi's code is MIT; its root-word dictionary (Kateglo) is CC-BY-NC-SA 3.0. Our changes
to it are kept here as small lists instead of a modified copy of the file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

# Letters/digits (no underscore) joined by hyphens: keeps OM-SPAN, e-Billing, SP2D-nya, set-up and
# kata-kata whole. "/" and "." split, so "221/PMK.01/2021" gives 221, pmk, 01, 2021 (a query
# typed the same way gives the same tokens, and "UP/TUP" gives two acronyms, as it should).
_TOKEN = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)*")
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})
_STEMMABLE = re.compile(r"[a-z]+(?:-[a-z]+)*")  # Sastrawi's rules only know a-z
_MAX_CHARS = 64  # longer "words" are junk (hashes, pasted blobs); they would only bloat the cache
CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")


def _words(text: str) -> frozenset[str]:
    """Return the white-space separated words of ``text`` (keeps the word lists below compact)."""
    return frozenset(text.split())


# Function words only, matched on the surface form *before* stemming (after stemming,
# pengembalian -> kembali or pendapatan -> dapat would vanish). Not Sastrawi's 809-word list: it
# drops bulan, hari, akhir, awal, lebih, kurang, kembali, baru, jumlah, tidak, belum, sudah, bisa,
# dapat, ada... which carry meaning here ("lebih bayar", "akhir tahun anggaran", "satker baru").
# Question words, pronouns and chat fillers are in because queries are searched with AND first:
# "bagaimana cara ..." must not require the article to contain "bagaimana".
STOPWORDS = _words(
    """
    yang dan atau serta di ke dari pada kepada untuk bagi dengan oleh dalam tentang mengenai
    terhadap terkait antara melalui hingga sejak karena sebab sehingga agar supaya jika apabila bila
    kalau jikalau maka namun tetapi tapi sedangkan melainkan padahal walaupun meskipun meski ketika
    saat selama sambil ini itu tersebut adalah ialah merupakan yaitu yakni akan juga pun pula lah kah
    nya sebagai seperti berupa secara sebagaimana misalnya suatu sebuah seorang para hanya saja
    sangat paling kemudian masing-masing apa apakah bagaimana bagaimanakah siapa siapakah kapan
    mengapa kenapa berapa berapakah dimana manakah mana gimana saya aku kami kita anda kamu engkau
    dia ia beliau mereka bapak ibu ingin mau hendak tahu tolong silakan silahkan sih dong deh kok ya yah
    nah toh yg dgn utk tsb dll dsb dst sbg krn jg
    """
)

# Acronyms and codes: never stemmed, and a clitic after them is stripped (satkernya -> satker,
# dipanya -> dipa), which Sastrawi cannot do for words missing from its dictionary. Index-time
# data, so it lives here (and in ANALYZER_VERSION), not in the staff-edited glossary.
PROTECTED = _words(
    """
    sp2d spm spp spby sptjm sptb dipa pok rkakl rpd up tup gup ls ntpn ntb npwp nik nip mpn pnbp
    ssp ssbp ebilling sakti monsakti span omspan simakbmn bmn saiba sikp bios cms sso crm kppn djpb
    djpbn kanwil ditjen kemenkeu pmk satker pemda bun blu blud bumn bumd bpk bpkp dja djp djbc djkn
    pip bpdpks bpdlh sitp ppid cso kur umi psr ijp tdr tnp ikpa lpj lra lkpp bas uakpa apbn apbd rm
    pa kpa ppk ppspm bpp ppabp gpp asn pns pppk sdm thr tukin tkpkn tgr pfk pph ppn dak dau dbh tkd
    bos sbn sbsn sppd spd perjadin sbm adk kkp
    """
)

# Derived words Sastrawi over-stems into a different common word; kept whole by making them
# roots. Plain Sastrawi: pendapatan -> dapat ("can"), pengadaan -> ada ("exists"), perbendaharaan
# -> bendahara (the treasurer role; "Ditjen Perbendaharaan" is in nearly every article, so the
# role would stop being searchable), pemerintah -> perintah (as in Surat Perintah ...), kinerja
# -> kerja (IKPA vs "satuan kerja", "hari kerja"), keuangan -> uang (vs uang persediaan/makan),
# satuan -> satu (the number), persediaan -> sedia (vs tersedia/penyedia).
KEEP_WHOLE = _words("pendapatan pengadaan perbendaharaan pemerintah kinerja keuangan satuan persediaan")
# Roots missing from the Kateglo dictionary: loanwords (diinput, mengupload, direset...) and
# compounds (pertanggungjawaban, penandatanganan, pemindahbukuan, penatausahaan), which plain
# Sastrawi leaves unstemmed, so "diinput" would never meet "input".
ROOTS_ADDED = _words(
    """
    input login logout upload download reset update submit approve reject posting scan setting
    install backup print link password error tanggungjawab tandatangan pindahbuku tatausaha
    """
)
# Roots whose presence makes Sastrawi stop too early: perpajakan -> paja (pajak), pengesahan ->
# kesah (sah), pemungutan -> mungut (pungut), penarikan -> tari "dance" (tarik; Rencana
# Penarikan Dana), penanya -> pena "pen" (tanya), penegakan -> tega (tegak).
ROOTS_REMOVED = _words("paja kesah mungut tari pena tega")
# Exact words that no dictionary change fixes: perbankan -> perban (and -> ban without perban);
# berbasis -> bas, which collides with the acronym BAS (SAIBA's long form says "berbasis").
STEM_OVERRIDES = MappingProxyType({"perbankan": "bank", "berbasis": "basis"})

_LOGIC = 1  # bump by hand when the code of tokenize/normalize/stem changes behaviour


def _sastrawi_version() -> str:
    """Return the installed PySastrawi version: an upgrade can change stems, so it is hashed."""
    try:
        return metadata.version("PySastrawi")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored copy
        return "unknown"


def _data_digest() -> str:
    """Hash every list that shapes the indexed tokens (deterministic across processes)."""
    data = {
        "token": _TOKEN.pattern, "clitics": CLITICS, "max": _MAX_CHARS, "stop": sorted(STOPWORDS),
        "protected": sorted(PROTECTED), "whole": sorted(KEEP_WHOLE), "added": sorted(ROOTS_ADDED),
        "removed": sorted(ROOTS_REMOVED), "overrides": sorted(STEM_OVERRIDES.items()),
        "sastrawi": _sastrawi_version(),
    }  # fmt: skip
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]


ANALYZER_VERSION = f"{_LOGIC}.{_data_digest()}"


def tokenize(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(raw token, start, end)``; ``text[start:end]`` is the raw token."""
    for match in _TOKEN.finditer(text):
        yield match.group(), match.start(), match.end()


@functools.lru_cache(maxsize=1)
def _stemmer():
    """Build the PySastrawi stemmer over the Kateglo dictionary plus our overlay, once."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    words = [w for w in StemmerFactory().get_words() if w not in ROOTS_REMOVED]
    return Stemmer(ArrayDictionary([*words, *KEEP_WHOLE, *ROOTS_ADDED]))


# Module level on purpose: Whoosh pickles its analyzers into the index, and a module function
# pickles as a ~30-byte reference where a bound stemmer method would drag the whole 30k-word
# dictionary along. The cache makes analysis ~13x faster (words repeat a lot).
@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Return the indexed stem of one lower-case word (hyphens joined, digits never stemmed)."""
    if word in STEM_OVERRIDES:
        return STEM_OVERRIDES[word]
    parts = word.split("-")
    if len(parts) > 1 and len(set(parts)) == 1:  # reduplicated codes too: KPPN-KPPN, A1-A1
        word = parts[0]
    if word in PROTECTED or not _STEMMABLE.fullmatch(word):
        return word.replace("-", "")
    # Sastrawi reduces reduplication itself (kata-kata -> kata, sehari-hari -> hari) and gives
    # other hyphenated words back unchanged; those are joined: om-span -> omspan.
    return _stemmer().stem_word(word).replace("-", "")


def _strip_clitic(word: str) -> str:
    """Drop a clitic when what remains is an acronym, a stopword or a code with digits.

    Other words are left to Sastrawi, which knows when "-lah" is a clitic (masalah is not).
    Only "-nya" may leave a two-letter base, so paku ("nail") does not become PA.
    """
    if word in PROTECTED:
        return word
    for clitic in CLITICS:
        base = word[: -len(clitic)]
        if word.endswith(clitic) and (len(base) >= 3 or (clitic == "nya" and base)):
            digits = clitic == "nya" and any(ch.isdigit() for ch in base)  # sp2dnya; a code may end in "ku"
            if base in PROTECTED or base in STOPWORDS or digits:
                return base
    return word


# Memoised for the same reason as ``stem``: a knowledge base repeats a few thousand surface forms
# millions of times, and indexing or highlighting without the cache spends ~75 % of its time here.
@functools.lru_cache(maxsize=100_000)
def normalize(token: str) -> str | None:
    """Return the indexed form of one raw token, or None when it is not indexed."""
    # NFKC folds full-width letters and ligatures; a few ligatures expand to several words.
    word = "".join(unicodedata.normalize("NFKC", token).lower().translate(_HYPHENS).split())
    if not word or len(word) > _MAX_CHARS:
        return None
    if "-" in word:
        head, _, tail = word.rpartition("-")
        # SP2D-nya -> sp2d, Satker-nya -> satker; OM-SPANnya -> om-span
        word = head if tail in CLITICS else f"{head}-{_strip_clitic(tail)}"
    else:
        word = _strip_clitic(word)
    if word in STOPWORDS:
        return None
    return stem(word) or None


def in_dictionary(word: str) -> bool:
    """Tell whether ``word`` is a root of the stemmer's dictionary (Kateglo plus our overlay)."""
    return _stemmer().dictionary.contains(word)


def positions(text: str, tokens: set[str]) -> list[int]:
    """Return where the raw tokens of ``text`` that normalise to one of ``tokens`` start."""
    return [m.start() for m in _TOKEN.finditer(text) if normalize(m.group()) in tokens]


def words(text: str) -> list[str]:
    """Return the raw tokens of ``text`` (what ``tokenize`` yields, without offsets)."""
    return _TOKEN.findall(text)


def analyze(text: str | list[str]) -> list[str]:
    """Return the normalised tokens of ``text`` (or of its raw tokens, from ``words``), in order."""
    return [n for raw in (words(text) if isinstance(text, str) else text) if (n := normalize(raw))]


# --- Glossary: query-time acronym <-> long form expansion -------------------------------------

GLOSSARY_PATH = Path(__file__).with_name("glossary.toml")
_TERM_KEYS = {"acronym", "long", "variants", "expand_acronym"}

Form = tuple[str, ...]


@dataclass(frozen=True)
class Glossary:
    """Acronyms, their long forms and spelling variants, as analysed token sequences.

    ``forms`` maps every analysed form (acronym, variant or long form) to the other forms of
    the same term(s), acronym first. ``version`` is a hash of the glossary file.
    """

    version: str
    terms: int = 0
    forms: Mapping[Form, tuple[Form, ...]] = field(default_factory=dict, compare=False, repr=False)
    longest: int = field(default=1, compare=False, repr=False)

    def expansions(self, term: str) -> tuple[Form, ...]:
        """Return the token sequences to search alongside one normalised query token.

        For an acronym: its variants and long forms (``sp2d`` -> ``("surat", "perintah",
        "cair", "dana")``); empty for a token that is not a glossary form.
        """
        return self.forms.get((term,), ())

    def phrases(self) -> frozenset[Form]:
        """Return every multi-word form: the index holds each as one joined token."""
        every = {form for form, alternatives in self.forms.items() for form in (form, *alternatives)}
        return frozenset(form for form in every if len(form) > 1)

    def expand_query(self, tokens: list[str]) -> list[tuple[str, tuple[Form, ...]]]:
        """Group normalised query tokens and give each group all its equivalent forms.

        Returns ``(text, alternatives)`` per group, in query order. A group is one token, or
        the longest run of tokens that is a glossary form ("surat perintah cair dana").
        ``text`` is the group's tokens joined by spaces; ``alternatives`` starts with the
        group's own tokens, followed by its glossary equivalents (``("sp2d",)``). The search
        layer ORs the alternatives of a group (a phrase when longer than one token) and ANDs
        (or ORs) the groups.
        """
        groups: list[tuple[str, tuple[Form, ...]]] = []
        i = 0
        while i < len(tokens):
            size = min(self.longest, len(tokens) - i)
            while size > 1 and tuple(tokens[i : i + size]) not in self.forms:
                size -= 1
            run = tuple(tokens[i : i + size])
            groups.append((" ".join(run), (run, *self.forms.get(run, ()))))
            i += size
        return groups


def _forms(texts: object, where: str) -> list[Form]:
    """Analyse a list of glossary strings, refusing wrong types and all-stopword entries."""
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise ValueError(f"{where} must be a list of strings")
    forms = []
    for text in texts:
        form = tuple(analyze(text))
        if not form:
            raise ValueError(f"{where}: {text!r} has no searchable word")
        forms.append(form)
    return forms


def load_glossary(path: str | Path | None = None) -> Glossary:
    """Read and check the glossary file (``glossary.toml`` next to this module by default).

    ``[[terms]]`` are acronyms, ``[[synonyms]]`` groups of words for the same thing. Raises
    ValueError (``tomllib.TOMLDecodeError`` is one) naming the file and the entry.
    """
    path = Path(path) if path else GLOSSARY_PATH
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    terms = data.get("terms", [])
    if not isinstance(terms, list):
        raise ValueError(f"{path}: 'terms' must be an array of tables ([[terms]])")
    merged: dict[Form, list[Form]] = {}
    for number, term in enumerate(terms, 1):
        where = f"{path}: term {number}"
        if not isinstance(term, dict) or set(term) - _TERM_KEYS or "acronym" not in term:
            raise ValueError(f"{where}: needs 'acronym'; allowed keys are {sorted(_TERM_KEYS)}")
        where = f"{where} ({term['acronym']!r})"
        short = _forms([term["acronym"]], f"{where} acronym") + _forms(term.get("variants", []), f"{where} variants")
        long = _forms(term.get("long", []), f"{where} long")
        expand = term.get("expand_acronym", True)
        if not isinstance(expand, bool):
            raise ValueError(f"{where}: expand_acronym must be true or false")
        for form in short:  # variants always fold; long forms only when the acronym is safe to expand
            merged.setdefault(form, []).extend(short + long if expand else short)
        for form in long:
            merged.setdefault(form, []).extend(short + long)
    groups = data.get("synonyms", [])
    for number, group in enumerate(groups if isinstance(groups, list) else [None], 1):
        if not isinstance(group, dict) or set(group) != {"words"}:
            raise ValueError(f"{path}: synonyms {number}: needs 'words' and nothing else ([[synonyms]])")
        same = _forms(group["words"], f"{path}: synonyms {number} words")
        for form in same:  # words people use for the same problem: each finds the others
            merged.setdefault(form, []).extend(same)
    forms = {form: tuple(dict.fromkeys(a for a in alts if a != form)) for form, alts in merged.items()}
    forms = {form: alts for form, alts in forms.items() if alts}
    return Glossary(
        version=hashlib.sha256(raw).hexdigest()[:12],
        terms=len(terms),
        forms=MappingProxyType(forms),
        longest=max(map(len, forms), default=1),
    )
