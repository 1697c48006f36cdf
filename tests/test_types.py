"""mypy checks portal/ as part of the suite, as ruff does: strict where listed, no module exempt."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def overrides() -> list[dict]:
    """The per-module sections of ``[tool.mypy]`` in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["mypy"]["overrides"]


def test_mypy_clean(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy"), "--no-error-summary"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_is_exempt():
    # The debt list (ignore_errors) is paid off: a module with type errors is fixed, not exempted.
    assert not [o["module"] for o in overrides() if o.get("ignore_errors")]


def test_strict_list_names_real_modules():
    strict = next(o["module"] for o in overrides() if o.get("disallow_untyped_defs"))
    for name in strict:
        parts = name.split(".")
        path = ROOT.joinpath(*parts)
        assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), name
