"""Search latency, build time and memory: Whoosh (the portal's engine) vs SQLite FTS5, same tokens.

Run from the repository root::

    .venv/bin/python bench/search_bench.py              # shipped KB + 10,000 generated articles
    .venv/bin/python bench/search_bench.py --profile    # + where the time goes, even when the target passes

Two corpora: (a) the shipped ``kb/`` plus the catalog, (b) ``--articles`` generated articles
(``bench/kbcorpus.py``, deterministic seed) written as ``kb/<CODE>/<slug>.md`` into a throw-away
folder, so the real loader and indexer run. For each corpus a fresh process loads the articles and
builds both indexes; then one fresh process per engine opens its index, runs every query once to
warm up and ``--repeat`` times measured (each query's fastest time kept), and reports its memory
(``bench/search_workers.py``). The queries are ``tests/relevance.toml`` plus generated ones (200).

Whoosh rows: ``SearchService.search`` exactly as the portal calls it (did-you-mean, AND, the
corrected retry, OR fallback, highlights; its answer cache emptied before every query), then the
engine alone with the same query building (AND, OR fallback) with and without highlights. FTS5 rows
(``bench/fts5_engine.py``): the same query building, with and without highlights; they are the
baseline the ratios divide by. Targets: p95 <= 20 ms with highlights at 10,000 articles
(``SearchService`` row) and a rebuild <= 30 s (loading the articles with the render cache a running
portal keeps + building the index; the first start without that cache is printed too). When the
latency target is missed (or with ``--profile``): where the time goes (stage split from the rows,
pyinstrument profile). Exit 0 whatever the verdicts; 2 when a step could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CATALOG = ROOT / "portal" / "catalog" / "katalog-2023.0.toml"
P95_TARGET_MS = 20.0
REBUILD_TARGET_S = 30.0


def run_worker(kind: str, spec: dict) -> dict:
    """Run one measurement in a fresh interpreter (``bench/search_workers.py``); return its JSON."""
    cmd = [sys.executable, str(BENCH / "search_workers.py"), kind, json.dumps(spec)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} worker failed ({out.returncode}):\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the report --------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """Return the p-th percentile (linear interpolation between the closest ranks)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def table(head: list[str], rows: list[list[str]], left: int = 3) -> str:
    """Render rows as an aligned plain-text table (the first ``left`` columns left-aligned)."""
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def fmt(cells):
        return "  ".join(str(c).ljust(w) if i < left else str(c).rjust(w) for i, (c, w) in
                         enumerate(zip(cells, widths, strict=True))).rstrip()  # fmt: skip

    return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *map(fmt, rows)])


def stats(values: list[float]) -> dict:
    """p50, p95, mean and max of a list of milliseconds."""
    return {"p50": statistics.median(values), "p95": pct(values, 95), "mean": statistics.fmean(values),
            "max": max(values)}  # fmt: skip


def latency_rows(name: str, results: dict) -> tuple[list[list[str]], dict]:
    """Rows of the latency table for one corpus, and the numbers behind them."""
    fts = results["fts5"]["modes"]
    rows, numbers = [], {}
    for engine in ("whoosh", "fts5"):
        for mode, data in results[engine]["modes"].items():
            wall, cpu = stats(data["ms"]), stats(data["cpu"])
            base = stats(fts["AND/OR, no hl" if "no hl" in mode else "AND/OR + hl"]["ms"])
            numbers[f"{engine}/{mode}"] = {"wall": wall, "cpu": cpu}
            rows.append([name, engine, mode + (" (baseline)" if engine == "fts5" else ""), f"{wall['p50']:.2f}",
                         f"{wall['p95']:.2f}", f"{cpu['p50']:.2f}", f"{cpu['p95']:.2f}", f"{wall['mean']:.2f}",
                         f"{wall['max']:.1f}", f"{data['found']}/{len(data['ms'])}",
                         f"{wall['p50'] / base['p50']:.1f}", f"{wall['p95'] / base['p95']:.1f}"])  # fmt: skip
            name = ""
    return rows, numbers


def agreement(results: dict) -> str:
    """How often both engines return the same best hit and how much their top 5 overlap."""
    a = results["whoosh"]["modes"]["AND/OR + hl"]["top5"]
    b = results["fts5"]["modes"]["AND/OR + hl"]["top5"]
    same_top = sum(bool(x) and bool(y) and x[0] == y[0] for x, y in zip(a, b, strict=True))
    overlap = [len(set(x) & set(y)) / len(set(x) | set(y)) for x, y in zip(a, b, strict=True) if x or y]
    return f"same top-1 {same_top}/{len(a)}, mean top-5 overlap (Jaccard) {statistics.fmean(overlap or [1.0]):.2f}"


def stage_split(results: dict) -> list[list[str]]:
    """Where the time of ``SearchService.search`` goes, from per-query differences between the rows."""
    modes = results["whoosh"]["modes"]
    service, hl, plain = (modes[m]["cpu"] for m in ("SearchService.search + hl", "AND/OR + hl", "AND/OR, no hl"))
    parts = [
        ("matching + scoring (Whoosh search, AND then OR)", plain),
        ("highlights (re-analysing each hit's body)", [max(h - p, 0) for h, p in zip(hl, plain, strict=True)]),
        ("did-you-mean + retries with the suggestion", [max(s - h, 0) for s, h in zip(service, hl, strict=True)]),
    ]
    total = sum(statistics.fmean(v) for _name, v in parts)
    return [[name, f"{statistics.fmean(v):.1f}", f"{statistics.fmean(v) / total:.0%}", f"{pct(v, 95):.1f}"]
            for name, v in parts]  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="generated articles (default 10000)")
    parser.add_argument("--queries", type=int, default=200, help="queries in all, judged ones first (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="measured passes per query, fastest kept (default 3)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the corpus and query generator")
    parser.add_argument("--profile", action="store_true", help="profile SearchService even when the target passes")
    parser.add_argument("--no-profile", action="store_true", help="never profile")
    parser.add_argument("--json", nargs="?", const="", metavar="PATH", help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.queries < 1 or args.repeat < 1:
        parser.error("--articles, --queries and --repeat must be positive")
    return args


def measure_corpora(args: argparse.Namespace, tmp: Path) -> tuple[list[str], dict]:
    """Generate the corpus and queries, build and query both engines on both corpora."""
    import kbcorpus

    from portal.catalog.loader import load_catalog
    from portal.kb.loader import load_knowledge_base

    catalog = load_catalog(CATALOG)
    shipped = load_knowledge_base(ROOT / "kb")
    started = time.perf_counter()
    kbcorpus.write_corpus(tmp / "generated" / "kb", shipped, catalog, args.articles, args.seed)
    generation_s = time.perf_counter() - started
    judged = kbcorpus.judged_queries()[: args.queries]
    queries = judged + kbcorpus.generated_queries(shipped, catalog, max(args.queries - len(judged), 0), args.seed)
    (tmp / "queries.json").write_text(json.dumps(queries, ensure_ascii=False))
    print(f"{len(queries)} queries ({len(judged)} from tests/relevance.toml, {len(queries) - len(judged)} generated); "
          f"{args.articles:,} articles generated in {generation_s:.1f} s (seed {args.seed})", flush=True)  # fmt: skip
    corpora = {"shipped": ROOT / "kb", f"generated {args.articles:,}": tmp / "generated" / "kb"}
    report: dict = {}
    for n, (name, kb) in enumerate(corpora.items()):
        out = tmp / f"corpus{n}"
        print(f"  {name}: loading the articles, building both indexes …", file=sys.stderr, flush=True)
        report[name] = {"build": run_worker("build", {"kb": str(kb), "out": str(out)})}
        for engine, index in (("whoosh", out / "whoosh"), ("fts5", out / "fts5.db")):
            print(f"  {name}: {engine} queries …", file=sys.stderr, flush=True)
            spec = {"engine": engine, "index": str(index), "queries": str(tmp / "queries.json"), "repeat": args.repeat}
            report[name][engine] = run_worker("query", spec)
        report[name]["out"] = str(out)
    return queries, report


def print_report(report: dict) -> dict:
    """Print the latency, build and memory tables; return the latency numbers."""
    rows, numbers = [], {}
    for name, res in report.items():
        r, numbers[name] = latency_rows(f"{name} ({res['build']['articles']:,} art.)", res)
        rows += r
    print("\nLatency per query, ms: top 10, warm, fastest of the measured passes; cpu = thread CPU time (what an")
    print("unshared core would see); × = Whoosh wall ÷ FTS5 wall of the same mode (FTS5 = baseline)")
    print(table(["corpus", "engine", "mode", "p50", "p95", "cpu p50", "cpu p95", "mean", "max", "found", "×p50",
                 "×p95"], rows))  # fmt: skip
    for name, res in report.items():
        print(f"  {name}: {agreement(res)}")

    rows = []
    for name, res in report.items():
        b = res["build"]
        rows.append([name, f"{b['articles']:,}", f"{b['documents']:,}", f"{b['words']:,}",
                     f"{b['cold_load_s']:.1f} ({b['cold_load_cpu']:.1f})", f"{b['load_s']:.1f} ({b['load_cpu']:.1f})",
                     f"{b['whoosh_s']:.1f} ({b['whoosh_cpu']:.1f})",
                     f"{b['fts5_s']:.1f} ({b['fts5_cpu']:.1f})", f"{b['whoosh_s'] / b['fts5_s']:.1f}",
                     f"{b['load_s'] + b['whoosh_s']:.1f} ({b['load_cpu'] + b['whoosh_cpu']:.1f})",
                     f"{b['whoosh_mb']:.1f} / {b['fts5_mb']:.1f}"])  # fmt: skip
    print("\nFull index build, s wall (CPU s): fresh process, analyzer caches cleared; load = parse + Markdown + nh3,")
    print("first start (nothing rendered yet), then with the render cache (what a rebuild after a change costs)")
    print(table(["corpus", "articles", "docs", "words", "first load", "load", "whoosh index", "fts5 index", "×",
                 "rebuild (load + whoosh)", "MB whoosh / fts5"], rows, left=1))  # fmt: skip

    rows = []
    for name, res in report.items():
        w, f = res["whoosh"], res["fts5"]
        rows.append([name, f"{w['memory_before']['VmRSS']:.0f} / {f['memory_before']['VmRSS']:.0f}",
                     f"{w['memory']['VmRSS']:.0f} / {f['memory']['VmRSS']:.0f}",
                     f"{w['memory']['VmHWM']:.0f} / {f['memory']['VmHWM']:.0f}",
                     f"{w['memory']['VmHWM'] / f['memory']['VmHWM']:.2f}",
                     f"{w['open_ms']:.0f} / {f['open_ms']:.0f}"])  # fmt: skip
    print("\nMemory of a query process (one per engine; a gunicorn worker adds Flask and the rest of the app), MB,")
    print("whoosh / fts5: VmRSS before importing the search code, after all queries, peak VmHWM")
    print(table(["corpus", "RSS at start", "RSS after queries", "peak", "× peak", "import+open ms"], rows, left=1))
    return numbers


def print_targets(report: dict, numbers: dict) -> bool:
    """Print the issue's targets with PASS/MISS; return whether the latency target passed."""
    big = list(report)[-1]
    service = numbers[big]["whoosh/SearchService.search + hl"]
    build = report[big]["build"]
    rebuild, rebuild_cpu = build["load_s"] + build["whoosh_s"], build["load_cpu"] + build["whoosh_cpu"]
    p95_ok = service["wall"]["p95"] <= P95_TARGET_MS
    rows = [
        [f"search p95 ≤ {P95_TARGET_MS:.0f} ms with highlights ({big}, SearchService)",
         f"{service['wall']['p95']:.1f} ms", f"{service['cpu']['p95']:.1f} ms", "PASS" if p95_ok else "MISS"],
        [f"rebuild ≤ {REBUILD_TARGET_S:.0f} s ({big}, load + Whoosh index)", f"{rebuild:.1f} s",
         f"{rebuild_cpu:.1f} s", "PASS" if rebuild <= REBUILD_TARGET_S else "MISS"],
        ["  the Whoosh index alone (what `flask kb reindex` times)", f"{build['whoosh_s']:.1f} s",
         f"{build['whoosh_cpu']:.1f} s", "PASS" if build["whoosh_s"] <= REBUILD_TARGET_S else "MISS"],
        ["  FTS5 for comparison: p95 + hl / rebuild (load + FTS5 index)",
         f"{numbers[big]['fts5/AND/OR + hl']['wall']['p95']:.1f} ms / {build['load_s'] + build['fts5_s']:.1f} s",
         f"{numbers[big]['fts5/AND/OR + hl']['cpu']['p95']:.1f} ms / {build['load_cpu'] + build['fts5_cpu']:.1f} s",
         ""],
    ]  # fmt: skip
    print("\nTargets (issue 3); verdicts on wall time, CPU time beside it")
    print(table(["target", "measured", "cpu", "result"], rows, left=1))
    return p95_ok


def explain(report: dict, tmp: Path, args: argparse.Namespace) -> None:
    """Where the time of SearchService goes on the large corpus: stage split, profile."""
    big = list(report)[-1]
    out = Path(report[big]["out"])
    print(f"\nWhere SearchService.search spends its time ({big}; CPU ms per query, differences between the")
    print("rows above: engine without highlights, + highlights, + did-you-mean; share of their sum)")
    print(table(["stage", "mean", "share", "p95"], stage_split(report[big]), left=1))
    if not args.no_profile:
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        spec = {"index": str(out / "whoosh"), "queries": str(tmp / "queries.json"),
                "full": str(BENCH / "results" / f"search-profile-{stamp}.txt")}  # fmt: skip
        print(f"\npyinstrument profile of SearchService.search ({big}, every query once after a warm-up):", flush=True)
        prof = run_worker("profile", spec)
        lines = [x for x in prof["tree"].splitlines() if x.strip()]
        print("\n".join(lines[:40]) + ("\n  … (the full profile has the rest)" if len(lines) > 40 else ""))
        print(f"\nSelf time per function, summed over every call path ({prof['total']:.1f} s in all):")
        rows = [[name, f"{t:.2f}", f"{t / prof['total']:.0%}"] for name, t in prof["self"]]
        print(table(["function  file", "s", "share"], rows, left=1))
        print(f"full profile (every frame): {prof['full']}")


def main(argv=None) -> int:
    """Run the benchmark and print the report; see the module docstring."""
    args = parse_args(argv)
    print(f"search bench  {os.cpu_count()} CPUs  Python {sys.version.split()[0]}  load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    try:
        with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp_name:
            tmp = Path(tmp_name)
            queries, report = measure_corpora(args, tmp)
            numbers = print_report(report)
            p95_ok = print_targets(report, numbers)
            if args.profile or (not p95_ok and not args.no_profile):
                explain(report, tmp, args)
            print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
                  "(above the CPU count, wall times include waiting for a core: read the cpu columns)")  # fmt: skip
            if args.json is not None:
                write_json(args, queries, numbers, report)
    except (RuntimeError, OSError) as exc:
        print(f"search bench failed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


def write_json(args: argparse.Namespace, queries: list[str], numbers: dict, report: dict) -> None:
    """Write the numbers (per-query times included) to ``--json`` or bench/results/."""
    path = Path(args.json) if args.json else BENCH / "results" / f"search-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    for res in report.values():
        for engine in ("whoosh", "fts5"):
            for data in res[engine]["modes"].values():
                data.pop("top5", None)
    path.write_text(json.dumps({"queries": queries, "numbers": numbers, "report": report}, indent=1) + "\n")
    print(f"results written to {path}")


if __name__ == "__main__":
    sys.exit(main())
