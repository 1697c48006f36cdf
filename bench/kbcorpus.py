"""Generate a large, realistic FAQ corpus and a query set for ``bench/search_bench.py``.

The corpus is written as ``kb/<CODE>/<slug>.md`` files with the same TOML front matter as the
shipped articles, so the real loader (Markdown + nh3) and indexer are exercised. Everything is
drawn from the shipped content, deterministically (``random.Random(seed)``):

* bodies: an order-2 word Markov chain trained on the shipped articles' paragraphs, mixed with
  sentences naming the catalog's scope items of the article's code, the shipped articles' own
  ``## `` headings and list items, and their length distribution (150-450 words);
* titles: the questions users ask ("Bagaimana cara mengajukan …?", "Berapa lama …?") about a scope
  item of the code, so titles carry the catalog's vocabulary as in the real KB;
* tags: the shipped tags of the same folder.

Queries: the judged set of ``tests/relevance.toml`` plus generated ones in the same styles (single
words and acronyms, 2-5 word questions built from scope items, acronym + context, typos).
"""

from __future__ import annotations

import json
import random
import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from portal.catalog.models import Catalog
from portal.kb import analysis
from portal.kb.loader import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
RELEVANCE = ROOT / "tests" / "relevance.toml"

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_MARKUP = re.compile(r"\*\*|\*|`|\[|\]\([^)]*\)")
TITLE_TEMPLATES = (
    "Bagaimana cara mengajukan {x}?",
    "Apa yang perlu disiapkan untuk {x}?",
    "Siapa yang menangani {x}?",
    "Berapa lama penyelesaian {x}?",
    "Apakah {x} dapat diajukan melalui HAI-DJPb?",
    "Mengapa {x} belum selesai?",
    "Ke mana bertanya tentang {x}?",
    "Apa saja yang termasuk {x}?",
    "{X}: siapa yang boleh mengajukan?",
    "{X} {q}: apa yang harus dilakukan?",
)
QUALIFIERS = (
    "untuk satker",
    "di KPPN",
    "pada akhir tahun anggaran",
    "bagi BLU",
    "melalui SAKTI",
    "di OM-SPAN",
    "oleh bendahara pengeluaran",
    "untuk pemda",
    "setelah SP2D terbit",
    "di Kanwil DJPb",
)
ITEM_SENTENCES = (
    "Pertanyaan tentang {x} termasuk ruang lingkup {name} ({code}).",
    "Untuk {x}, jelaskan situasinya selengkap mungkin dan lampirkan data dukung yang relevan.",
    "Butir {X} dijawab oleh Penanggung Jawab layanan melalui tiket HAI-DJPb.",
    "Bila permintaan Anda menyangkut {x}, sebutkan nama dan kode satker Anda.",
    "Ketentuan rinci mengenai {x} disampaikan oleh unit yang berwenang.",
)
_WORD = re.compile(r"[^\W\d_][\w-]*[^\W_]|[A-Za-z0-9]+")
QUERY_PREFIXES = ("", "", "cara", "syarat", "bagaimana", "kenapa", "berapa lama", "siapa yang menangani", "apa itu")


@dataclass(frozen=True)
class Material:
    """What the generator draws from: the shipped KB's text, structure and the catalog."""

    chain: dict
    starts: list
    headings: list[str]
    list_items: list[str]
    lengths: list[int]
    tags_by_code: dict
    audience_by_code: dict
    items_by_code: dict
    names: dict


def _plain(line: str) -> str:
    return " ".join(_MARKUP.sub("", line).split())


def gather(kb: KnowledgeBase, catalog: Catalog) -> Material:
    """Collect sentences, headings, list items, lengths and tags from the shipped articles."""
    chain: dict[tuple[str, str], list[str]] = defaultdict(list)
    starts: list[tuple[str, str]] = []
    headings: list[str] = []
    list_items: list[str] = []
    tags: dict[str, set[str]] = defaultdict(set)
    audience: dict[str, set[int]] = defaultdict(set)
    for article in kb.articles:
        tags[article.folder].update(article.tags)
        audience[article.folder].update(article.audience)
        for line in article.body.splitlines():
            line = line.strip()
            if line.startswith("## "):
                headings.append(line[3:].strip())
            elif re.match(r"^(?:[-*]|\d+\.)\s", line):
                list_items.append(_plain(re.sub(r"^(?:[-*]|\d+\.)\s+", "", line)))
            elif line and not line.startswith(("|", "#", ">")):
                for sentence in _SENTENCE_END.split(_plain(line)):
                    words = sentence.split()
                    if len(words) < 4:
                        continue
                    starts.append((words[0], words[1]))
                    for a, b, c in zip(words, words[1:], words[2:], strict=False):
                        chain[(a, b)].append(c)
                    chain[(words[-2], words[-1])].append("")  # sentence end
    items: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for service in catalog.services:
        nodes: list = [service, *service.subscopes]
        for node in nodes:
            own = list(node.items) or [s.name for s in getattr(node, "subscopes", ())] or [node.name]
            items[node.code] = own
            names[node.code] = node.name
    return Material(
        chain=dict(chain),
        starts=starts,
        headings=sorted(set(headings)),
        list_items=sorted(set(list_items)),
        lengths=sorted(len(a.text.split()) for a in kb.articles),
        tags_by_code={k: sorted(v) for k, v in tags.items()},
        audience_by_code={k: sorted(v) for k, v in audience.items()},
        items_by_code=items,
        names=names,
    )


def _sentence(rng: random.Random, m: Material, max_words: int = 40) -> str:
    words = list(rng.choice(m.starts))
    while len(words) < max_words:
        nxt = rng.choice(m.chain.get((words[-2], words[-1]), [""]))
        if not nxt:
            break
        words.append(nxt)
    text = " ".join(words)
    return text if text[-1] in ".?!" else text + "."


def _lower_first(text: str) -> str:
    # Keep acronyms (SP2D, DIPA) as written; lower an ordinary capitalised first word.
    first, _, rest = text.partition(" ")
    if len(first) > 1 and first[1:].islower():
        first = first.lower()
    return f"{first} {rest}".strip()


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-")


def article_text(rng: random.Random, m: Material, code: str, number: int) -> tuple[str, str]:
    """Return ``(slug, file content)`` of one generated article filed under ``code``."""
    item = rng.choice(m.items_by_code[code]).rstrip(".;")
    x = _lower_first(item)
    title = rng.choice(TITLE_TEMPLATES).format(x=x, X=item[:1].upper() + item[1:], q=rng.choice(QUALIFIERS))
    target = rng.choice(m.lengths) + rng.randint(-30, 30)
    fill = {"x": x, "X": item, "name": m.names[code], "code": code}
    parts = [" ".join([rng.choice(ITEM_SENTENCES).format(**fill), _sentence(rng, m)])]
    words = len(parts[0].split())
    while words < target:
        kind = rng.random()
        if kind < 0.25:
            block = "## " + rng.choice(m.headings)
        elif kind < 0.45:
            block = "\n".join(f"{i}. {t}" for i, t in enumerate(rng.sample(m.list_items, rng.randint(2, 5)), 1))
        elif kind < 0.55:
            block = rng.choice(ITEM_SENTENCES).format(**fill) + " " + _sentence(rng, m)
        else:
            block = " ".join(_sentence(rng, m) for _ in range(rng.randint(2, 4)))
        parts.append(block)
        words += len(block.split())
    pool = m.tags_by_code.get(code) or ["faq"]
    tags = rng.sample(pool, min(len(pool), rng.randint(3, 6)))
    audience = m.audience_by_code.get(code) or [1]
    audience = sorted(rng.sample(audience, min(len(audience), rng.randint(1, 3))))
    front = "\n".join(
        [
            "+++",
            f"title = {json.dumps(title, ensure_ascii=False)}",
            f"codes = [{json.dumps(code)}]",
            f"tags = {json.dumps(tags, ensure_ascii=False)}",
            f"updated = 2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            f"audience = {json.dumps(audience)}",
            "+++",
        ]
    )
    slug = f"{_slugify(title) or 'artikel'}-{number:05d}"
    return slug, front + "\n\n" + "\n\n".join(parts) + "\n"


def write_corpus(dest: Path, kb: KnowledgeBase, catalog: Catalog, count: int, seed: int) -> int:
    """Write ``count`` articles spread evenly over the shipped KB's folders; return the count."""
    rng = random.Random(seed)
    material = gather(kb, catalog)
    codes = sorted({a.folder for a in kb.articles})
    for number in range(count):
        code = codes[number % len(codes)]
        slug, text = article_text(rng, material, code, number)
        folder = dest / code
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    return count


def judged_queries() -> list[str]:
    """Return the queries of the judged relevance set, in file order."""
    with open(RELEVANCE, "rb") as fh:
        return [q["q"] for q in tomllib.load(fh)["query"]]


def _typo(rng: random.Random, query: str) -> str:
    words = query.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return query
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    op = rng.choice(("drop", "swap", "sub"))
    if op == "drop":
        w = w[:j] + w[j + 1 :]
    elif op == "swap":
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    else:
        w = w[:j] + rng.choice("aeiounrst") + w[j + 1 :]
    words[i] = w
    return " ".join(words)


def generated_queries(kb: KnowledgeBase, catalog: Catalog, count: int, seed: int) -> list[str]:
    """Return ``count`` realistic queries drawn from the scope items, tags and acronyms."""
    rng = random.Random(seed)
    material = gather(kb, catalog)
    acronyms = sorted(analysis.PROTECTED)
    tags = sorted({t for ts in material.tags_by_code.values() for t in ts})
    texts = [a.text for a in kb.articles]
    items = [i for code in sorted(material.items_by_code) for i in material.items_by_code[code]]
    queries: list[str] = []
    while len(queries) < count:
        kind = rng.random()
        if kind < 0.2:  # one word or acronym, as typed in a hurry
            q = rng.choice(tags) if rng.random() < 0.6 else rng.choice(acronyms).upper()
        elif kind < 0.65:  # a question built from a few consecutive words of a scope item
            words = _WORD.findall(rng.choice(items))
            start = rng.randrange(len(words)) if words else 0
            window = [w for w in words[start : start + rng.randint(2, 3)] if w.lower() not in analysis.STOPWORDS]
            if not window:
                continue
            q = " ".join([rng.choice(QUERY_PREFIXES), *window]).strip().lower()
        elif kind < 0.85:  # an acronym with the words next to it in a KB sentence
            acro = rng.choice(acronyms)
            near = [s for t in texts for s in _SENTENCE_END.split(t) if re.search(rf"\b{acro}\b", s, re.I)]
            if not near:
                continue
            words = _WORD.findall(rng.choice(near))
            at = next(i for i, w in enumerate(words) if w.lower() == acro or w.lower().startswith(acro + "-"))
            side = [w for w in words[max(0, at - 2) : at + 3] if w.lower() not in analysis.STOPWORDS]
            q = " ".join(side).lower()
        else:  # a typo in an earlier query
            if not queries:
                continue
            q = _typo(rng, rng.choice(queries))
        if q and q not in queries:
            queries.append(q)
    return queries
