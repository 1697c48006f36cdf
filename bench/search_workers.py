"""The measuring processes of ``bench/search_bench.py``: one fresh interpreter per measurement.

``python bench/search_workers.py KIND 'JSON spec'`` prints one JSON line. A fresh process per
build and per engine gives each its own memory figure and cold caches. Kinds:

* ``build``: load the articles (parse, Markdown, nh3), build the Whoosh index with the portal's
  ``ensure_index`` and the FTS5 index from the same ``documents()``; the stem caches are cleared
  before each build. With ``"chars": true`` also a Whoosh index whose body stores character offsets
  (for the what-if variants).
* ``query``: open one engine's index, run every query once to warm up, then ``repeat`` times,
  keeping each query's fastest wall time and CPU time (``time.thread_time``; on a shared machine
  the CPU time is what an unshared core would see); report peak memory (``VmHWM``).
* ``profile``: pyinstrument over ``SearchService.search`` (one pass, after a warm-up pass).
* ``whatif``: ``SearchService.search`` with changes the portal could make, cumulatively.
"""

from __future__ import annotations

import functools
import json
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CATALOG = ROOT / "portal" / "catalog" / "katalog-2023.0.toml"
LIMIT = 10  # results per page, as the portal's PER_PAGE


def memory_mb() -> dict:
    """Return this process's current and peak resident memory (MB) from /proc, or getrusage."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
        return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}
    except (OSError, KeyError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"VmRSS": peak, "VmHWM": peak}


def folder_mb(path: Path) -> float:
    """Return the size of a file or of a folder's files in MB."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def timed(func, *args, **kwargs):
    """Run ``func``; return (result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def work_build(spec: dict) -> dict:
    """Load the articles, then build the Whoosh and the FTS5 index from the same documents."""
    import fts5_engine

    from portal.catalog.loader import load_catalog
    from portal.kb import analysis, search
    from portal.kb.index import documents, ensure_index
    from portal.kb.loader import load_knowledge_base

    def clear():
        analysis.stem.cache_clear()
        analysis._stemmer.cache_clear()

    catalog = load_catalog(CATALOG)
    glossary = analysis.load_glossary()
    kb, load_s, load_cpu = timed(load_knowledge_base, Path(spec["kb"]))
    out = Path(spec["out"])
    clear()
    (path, _), whoosh_s, whoosh_cpu = timed(ensure_index, out / "whoosh", kb, catalog, glossary.version, force=True)
    clear()
    count, fts5_s, fts5_cpu = timed(fts5_engine.build, out / "fts5.db", documents(kb, catalog))
    result = {
        "articles": len(kb.articles),
        "documents": count,
        "words": sum(len(a.text.split()) for a in kb.articles),
        "load_s": load_s,
        "load_cpu": load_cpu,
        "whoosh_s": whoosh_s,
        "whoosh_cpu": whoosh_cpu,
        "fts5_s": fts5_s,
        "fts5_cpu": fts5_cpu,
        "whoosh_mb": folder_mb(path),
        "fts5_mb": folder_mb(out / "fts5.db"),
    }
    if spec.get("chars"):
        from whoosh.fields import TEXT

        # The what-if index: the body field also stores each token's character offsets.
        search.SCHEMA._fields["body"] = TEXT(analyzer=search.ANALYZER, stored=True, chars=True)
        clear()
        _, result["chars_s"], result["chars_cpu"] = timed(
            search.build_index, out / "whoosh-chars", documents(kb, catalog)
        )
        result["chars_mb"] = folder_mb(out / "whoosh-chars")
    return result


def measure(run, queries: list[str], repeat: int) -> dict:
    """Warm up, then time every query ``repeat`` times; keep each query's fastest run."""
    for q in queries:  # warm-up: caches of the OS, SQLite, Whoosh and the stemmer
        run(q)
    wall = [float("inf")] * len(queries)
    cpu = [float("inf")] * len(queries)
    found, top = 0, []
    for n in range(repeat):
        for i, q in enumerate(queries):
            w, c = time.perf_counter(), time.thread_time()
            hits = run(q)
            cpu[i] = min(cpu[i], (time.thread_time() - c) * 1000)
            wall[i] = min(wall[i], (time.perf_counter() - w) * 1000)
            if n == 0:
                found += bool(hits)
                top.append([h.url if hasattr(h, "url") else h[2] for h in hits[:5]])
    return {"ms": wall, "cpu": cpu, "found": found, "top5": top}


def service_runner(service):
    """Return a function running ``SearchService.search`` with its answer cache emptied first."""

    def run(q):
        service._cache.clear()  # measure the search, not the per-process answer cache
        return service.search(q).hits

    return run


def whoosh_modes(spec: dict) -> dict:
    """The Whoosh measurements: the portal's service, and the engine alone with and without highlights."""
    from portal.kb import analysis
    from portal.kb.index import SearcherPool
    from portal.kb.search import build_query
    from portal.kb.service import SearchService

    glossary = analysis.load_glossary()
    service = SearchService(SearcherPool(Path(spec["index"])), glossary)
    searcher = service.pool.get()

    def engine(q, highlights):
        groups = glossary.expand_query(analysis.analyze(q))
        for conjunction in ("and", "or"):
            if conjunction == "or" and len(groups) < 2:
                break
            if highlights:
                hits, _more = searcher.search(groups, conjunction=conjunction, scope=None, limit=LIMIT)
            else:
                query = build_query(groups, conjunction)
                if query is None:
                    return []
                results = searcher.searcher.search(query, limit=LIMIT + 1, terms=True)
                hits = [(h["kind"], h["title"], h["url"], h["codes"]) for h in results[:LIMIT]]
            if hits:
                return hits
        return []

    return {
        "SearchService.search + hl": service_runner(service),
        "AND/OR + hl": lambda q: engine(q, True),
        "AND/OR, no hl": lambda q: engine(q, False),
    }


def fts5_modes(spec: dict) -> dict:
    """The FTS5 measurements: the same query building, with and without highlights."""
    import fts5_engine

    from portal.kb import analysis

    glossary = analysis.load_glossary()
    searcher = fts5_engine.Searcher(Path(spec["index"]))
    return {
        "AND/OR + hl": lambda q: fts5_engine.search_like_service(searcher, glossary, q, LIMIT)[0],
        "AND/OR, no hl": lambda q: fts5_engine.search_like_service(searcher, glossary, q, LIMIT, False)[0],
    }


def work_query(spec: dict) -> dict:
    """Open one engine's index and measure each of its modes."""
    before = memory_mb()
    modes, open_s, _cpu = timed(whoosh_modes if spec["engine"] == "whoosh" else fts5_modes, spec)
    queries = json.loads(Path(spec["queries"]).read_text())
    report = {name: measure(run, queries, spec.get("repeat", 3)) for name, run in modes.items()}
    return {"modes": report, "open_ms": open_s * 1000, "memory_before": before, "memory": memory_mb()}


def work_profile(spec: dict) -> dict:
    """Profile ``SearchService.search`` over every query (after a warm-up pass) with pyinstrument."""
    from pyinstrument import Profiler

    run = whoosh_modes(spec)["SearchService.search + hl"]
    queries = json.loads(Path(spec["queries"]).read_text())
    for q in queries:
        run(q)
    profiler = Profiler(interval=0.002)
    profiler.start()
    for q in queries:
        run(q)
    profiler.stop()
    # The whole tree (Whoosh frames included) as text: an HTML profile of this many samples
    # weighs over 100 MB.
    full = Path(spec["full"])
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_text(profiler.output_text(unicode=True, color=False, show_all=True, short_mode=False))
    root = profiler.last_session.root_frame()
    return {
        "tree": profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False),
        "total": root.time,
        "self": flat_self_time(root),
        "full": str(full),
    }


def flat_self_time(root, top: int = 20) -> list[tuple[str, float]]:
    """Sum the profile's self time per function (the tree spreads it over many call paths)."""
    totals: dict[str, float] = {}
    stack = [root]
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        if frame.is_synthetic:
            continue
        key = f"{frame.class_name + '.' if frame.class_name else ''}{frame.function}  {frame.file_path_short}"
        totals[key] = totals.get(key, 0.0) + frame.total_self_time
    return sorted(totals.items(), key=lambda kv: -kv[1])[:top]


class TermOnlyGlossary:
    """The glossary's groups without multi-word alternatives: what index-time acronym folding allows.

    If the indexer emitted the acronym at the position of each long form it finds (and the
    long form's first word for each acronym), every alternative of a group could be one token:
    the query becomes Terms only, no Phrase. A group the user typed as several words keeps them.
    """

    def __init__(self, glossary):
        self.glossary = glossary

    def expand_query(self, tokens):
        """Keep each group's own tokens and its single-token alternatives."""
        groups = self.glossary.expand_query(tokens)
        return [(text, (alts[0], *(a for a in alts[1:] if len(a) == 1))) for text, alts in groups]


def work_whatif(spec: dict) -> dict:
    """Measure ``SearchService.search`` with candidate changes, applied one on top of the other."""
    from whoosh import highlight

    from portal.kb import analysis, search
    from portal.kb.index import SearcherPool
    from portal.kb.service import SearchService

    queries = json.loads(Path(spec["queries"]).read_text())
    repeat = spec.get("repeat", 2)
    glossary = analysis.load_glossary()
    results = {}
    service = SearchService(SearcherPool(Path(spec["index"])), glossary)
    results["as shipped (same process)"] = measure(service_runner(service), queries, repeat)
    # 1. analysis.normalize memoised (search.py's tokenizer calls it through the module).
    analysis.normalize = functools.lru_cache(maxsize=200_000)(analysis.normalize)
    results["+ normalize memoised"] = measure(service_runner(service), queries, repeat)
    # 2. body stored with character offsets; highlights from them instead of re-analysing the body.
    searcher = search.open_index(Path(spec["chars_index"]))
    searcher.fragmenter = highlight.PinpointFragmenter(maxchars=220, surround=60, autotrim=True)
    pool = SimpleNamespace(get=lambda: searcher, local=SimpleNamespace(build="chars"))
    service = SearchService(pool, glossary)
    results["+ body chars=True, PinpointFragmenter"] = measure(service_runner(service), queries, repeat)
    # 3. Term-only alternatives (index-time acronym folding, simulated on the query side).
    service = SearchService(pool, TermOnlyGlossary(glossary))
    results["+ Term-only acronym alternatives"] = measure(service_runner(service), queries, repeat)
    return {"modes": results}


def main() -> int:
    """Run the worker named on the command line and print its JSON."""
    kind, spec = sys.argv[1], json.loads(sys.argv[2])
    work = {"build": work_build, "query": work_query, "profile": work_profile, "whatif": work_whatif}[kind]
    print(json.dumps(work(spec)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
