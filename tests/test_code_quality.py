"""House rules that a reviewer would otherwise have to check by hand."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def python_modules():
    return [p for p in (ROOT / "portal").rglob("*.py")]


def test_every_module_has_a_docstring_and_stays_small():
    for path in python_modules():
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), f"{path} has no module docstring"
        lines = len(path.read_text().splitlines())
        assert lines <= 330, f"{path} has {lines} lines; split it"


def test_no_legacy_query_api():
    pattern = re.compile(r"\.query\.(get|filter|all|first)|\bModel\.query\b")
    offenders = [str(p) for p in python_modules() if pattern.search(p.read_text())]
    assert offenders == []


def test_only_the_search_module_imports_whoosh():
    importers = [
        p.relative_to(ROOT).as_posix()
        for p in python_modules()
        if re.search(r"^\s*(from|import) whoosh", p.read_text(), re.M)
    ]
    assert importers in ([], ["portal/kb/search.py"])
