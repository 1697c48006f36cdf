"""The measuring processes of ``bench/search_bench.py``: one fresh interpreter per measurement.

``python bench/search_workers.py KIND 'JSON spec'`` prints one JSON line. A fresh process per
build and per engine gives each its own memory figure and cold caches. Kinds:

* ``build``: load the articles (parse, Markdown, nh3) with an empty render cache (a first start),
  then again with the cache it filled (what a rebuild costs), build the Whoosh index with the
  portal's ``ensure_index`` and the FTS5 index from the same ``documents()``; the analyzer's caches
  are cleared before each build.
* ``query``: open one engine's index, run every query once to warm up, then ``repeat`` times,
  keeping each query's fastest wall time and CPU time (``time.thread_time``; on a shared machine
  the CPU time is what an unshared core would see); report peak memory (``VmHWM``).
* ``profile``: pyinstrument over ``SearchService.search`` (one pass, after a warm-up pass).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

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


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (a parallel build's writers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(func, *args, **kwargs):
    """Run ``func``; return (result, wall seconds, CPU seconds of this process and its children)."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def work_build(spec: dict) -> dict:
    """Load the articles (cold, then again with the render cache), build the Whoosh and FTS5 indexes."""
    import fts5_engine

    from portal.catalog.loader import load_catalog
    from portal.kb import analysis, loader
    from portal.kb.index import documents, ensure_index

    def clear():
        analysis.normalize.cache_clear()
        analysis.stem.cache_clear()
        analysis._stemmer.cache_clear()

    catalog = load_catalog(CATALOG)
    glossary = analysis.load_glossary()
    out = Path(spec["out"])
    cache = out / "rendered.json"
    _kb, cold_s, cold_cpu = timed(loader.load_knowledge_base, Path(spec["kb"]), cache)
    loader._load.cache_clear()  # what a worker does after a content change: reuse what is rendered
    kb, load_s, load_cpu = timed(loader.load_knowledge_base, Path(spec["kb"]), cache)
    clear()
    (path, _), whoosh_s, whoosh_cpu = timed(ensure_index, out / "whoosh", kb, catalog, glossary, force=True)
    clear()
    count, fts5_s, fts5_cpu = timed(fts5_engine.build, out / "fts5.db", documents(kb, catalog))
    return {
        "articles": len(kb.articles),
        "documents": count,
        "words": sum(len(a.text.split()) for a in kb.articles),
        "cold_load_s": cold_s,
        "cold_load_cpu": cold_cpu,
        "load_s": load_s,
        "load_cpu": load_cpu,
        "whoosh_s": whoosh_s,
        "whoosh_cpu": whoosh_cpu,
        "fts5_s": fts5_s,
        "fts5_cpu": fts5_cpu,
        "whoosh_mb": folder_mb(path),
        "fts5_mb": folder_mb(out / "fts5.db"),
    }


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
                results = searcher.searcher.search(query, limit=LIMIT + 1)
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


def main() -> int:
    """Run the worker named on the command line and print its JSON."""
    kind, spec = sys.argv[1], json.loads(sys.argv[2])
    work = {"build": work_build, "query": work_query, "profile": work_profile}[kind]
    print(json.dumps(work(spec)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
