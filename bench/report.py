"""The report of ``bench/run.py``: rounds merged, verdicts, the table, the notes below it.

Kept apart from the harness so that ``run.py`` deals with servers and wrk only. A row is a dict
made by ``run.benchmark``: ``name``, ``label``, ``description``, ``result`` (what ``combine``
returns), ``ratio``, ``target``, ``verdict``. A result of a scenario that submits tickets
(``Scenario.submits``) also carries ``submissions``: what ``mixed.verify`` found in the database.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from scenarios import Scenario

ROOT = Path(__file__).resolve().parent.parent
# Above this spread between the floor's runs, the ratios are not worth much.
SPREAD_WARNING = 0.10
# Counters of mixed.verify that add up over rounds.
SUBMISSION_COUNTS = ("posts", "received", "in_db", "lost", "duplicated", "orphans")


def verdict(scenario: Scenario, result: dict, ratio: float | None) -> str:
    """Return PASS/MISS for a scenario with a target, "" otherwise."""
    if scenario.min_ratio is None or ratio is None:
        return ""
    if result["error_count"]:
        return "MISS (errors)"
    return "PASS" if ratio >= scenario.min_ratio else "MISS"


def combine(runs: list[dict]) -> dict:
    """Merge the rounds of one scenario: medians of rate and percentiles, sums of requests and errors."""
    skipped = next((r for r in runs if "skipped" in r), None)
    if skipped is not None:
        return skipped
    med = statistics.median
    errors = {key: sum(r["errors"][key] for r in runs) for key in runs[0]["errors"]}
    merged = {
        "rps": med(r["rps"] for r in runs),
        "p50_ms": med(r["p50_ms"] for r in runs),
        "p95_ms": med(r["p95_ms"] for r in runs),
        "p99_ms": med(r["p99_ms"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "errors": errors,
        "error_count": sum(errors.values()),
        "kb_per_request": runs[0]["kb_per_request"],
        "rounds_rps": [round(r["rps"], 1) for r in runs],
    }
    checked = [r["submissions"] for r in runs if "submissions" in r]
    if checked:
        merged["submissions"] = {key: sum(s[key] for s in checked) for key in SUBMISSION_COUNTS}
        merged["submissions"]["codes"] = {}
        for s in checked:
            for code, n in s["codes"].items():
                merged["submissions"]["codes"][code] = merged["submissions"]["codes"].get(code, 0) + n
        merged["submissions"]["examples"] = [x for s in checked for x in s["examples"]][:5]
        merged["submissions"]["faults"] = [s["fault"] for s in checked if s.get("fault")]
    return merged


def format_table(rows: list[dict]) -> str:
    """Render the report rows as an aligned plain-text table."""
    head = ["scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "lost", "ratio", "target", "result"]
    body = []
    for row in rows:
        r = row["result"]
        if "skipped" in r:
            body.append([row["label"], *["—"] * 7, row["target"], "SKIPPED: " + r["skipped"]])
            continue
        errors = str(r["error_count"])
        if r["error_count"]:
            errors += " (" + ", ".join(f"{k} {v}" for k, v in r["errors"].items() if v) + ")"
        sub = r.get("submissions")
        lost = "—" if sub is None else str(sub["lost"]) + (" LOST" if sub["lost"] else "")
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}"
        cells = [f"{r['rps']:,.0f}", f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}", f"{r['p99_ms']:.2f}"]
        body.append([row["label"], *cells, errors, lost, ratio, row["target"], row["verdict"]])
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    numeric = {1, 2, 3, 4, 6, 7}

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *map(fmt, body)])


def submission_notes(rows: list[dict]) -> list[str]:
    """One paragraph per scenario that submitted tickets: what the database check found."""
    notes = []
    for row in rows:
        sub = row["result"].get("submissions")
        if sub is None:
            continue
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(sub["codes"].items())) or "none"
        text = (
            f"{row['name']}: {sub['posts']} submissions sent, {sub['received']} references received, "
            f"{sub['in_db']} of this run's tickets in the database; lost {sub['lost']}, duplicated "
            f"{sub['duplicated']}, created without a reference reaching the client {sub['orphans']}; "
            f"answers ≥ 400: {codes}."
        )
        notes += [text, *(f"  {fault}" for fault in sub["faults"]), *(f"  {x}" for x in sub["examples"])]
    return notes


def failed_checks(rows: list[dict]) -> bool:
    """Tell whether a submitting scenario lost or duplicated a submission (exit status 1)."""
    return any((sub := row["result"].get("submissions")) and (sub["lost"] or sub["duplicated"]) for row in rows)


def environment_info(args: argparse.Namespace) -> dict:
    """Describe what was measured, for the report header and the JSON file."""
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    wrk_version = (wrk.stdout or wrk.stderr or "?").splitlines()[0].split(" Copyright")[0].strip()
    rev = [args.rev] if args.rev else ["HEAD"]
    commit = subprocess.run(["git", "rev-parse", "--short", *rev], cwd=ROOT, capture_output=True, text=True)
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit.stdout.strip() or None,
        # The working tree may differ from the commit (uncommitted edits are measured too).
        "tree": f"git archive {args.rev}" if args.rev else "working tree",
        "cpus": os.cpu_count(),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "flask": version("flask"),
        "gunicorn": version("gunicorn"),
        "wrk": wrk_version,
        "gunicorn_args": f"-w {args.workers} -k sync --no-control-socket --access-logfile /dev/null",
        "wrk_args": f"-t{args.threads} -c{args.connections} -d{args.duration}s --latency",
        "warmup_s": args.warmup,
        "rounds": args.rounds,
    }


def print_report(rows: list[dict], floor: dict, args: argparse.Namespace) -> None:
    """Print the table, the floor line, the spread warning and the submission checks."""
    print()
    print(format_table(rows))
    runs = " / ".join(f"{x:,.0f}" for x in floor["runs"])
    print(
        f"\nratio = req/s ÷ hello floor ({floor['rps']:,.0f} req/s, median of its runs: {runs}).\n"
        "Server and wrk share the machine's cores: compare ratios, not absolute numbers."
    )
    if floor["spread"] > SPREAD_WARNING:
        print(
            f"warning: the floor runs differ by {floor['spread']:.0%}; the machine was busy or noisy. "
            + ("Rerun when it is quiet." if args.rounds > 1 else "Rerun, or use --rounds 3.")
        )
    notes = submission_notes(rows)
    if notes:
        print("\nSubmissions checked in the database (lost = a reference a client received, not in the database):")
        print("\n".join(notes))
        print("verdict: " + ("SUBMISSIONS LOST OR DUPLICATED" if failed_checks(rows) else "none lost or duplicated"))
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
