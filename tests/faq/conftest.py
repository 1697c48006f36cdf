"""Fixtures of FAQ authoring: an app whose content folder is a private copy of kb/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

KB = Path(__file__).resolve().parents[2] / "kb"


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    """A private copy of the shipped kb/ (publishing writes into the content folder)."""
    target = tmp_path / "kb"
    shutil.copytree(KB, target)
    return target


@pytest.fixture
def faq_app(make_app, kb_copy, tmp_path):
    """An app on the kb/ copy with its own index folder (publishing rebuilds the index)."""
    return make_app(KB_PATH=str(kb_copy), KB_INDEX_PATH=str(tmp_path / "index"))
