"""Helpers shared by the quality gates: the list of public pages and the skip-or-fail rule."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from portal.catalog.loader import load_catalog
from portal.kb.loader import load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]
CATALOG_FILE = ROOT / "portal" / "catalog" / "katalog-2023.0.toml"

# Searches that show each state of the search page.
SEARCHES = {
    "hasil": "cara membatalkan SP2D",
    "koreksi": "lupa pasword sakti",  # shown for the corrected spelling
    "kosong": "zzqx wvvy",  # nothing found
}
NOT_FOUND = "/halaman-yang-tidak-ada"


def url_ending(tail: str) -> re.Pattern[str]:
    """An address ending in ``tail``, for ``expect(page).to_have_url``, which waits for the page a
    click leads to (``page.url`` right after a click can still be the old address)."""
    return re.compile(re.escape(tail) + "$")


def in_ci() -> bool:
    """Whether this run is CI (``CI=true``), where a missing tool is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() == "true"


def missing_tool(message: str) -> None:
    """Skip the test locally; fail it in CI, so CI can never pass by silently skipping a gate."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: the quality gates must run, not skip)", pytrace=False)
    pytest.skip(message)


def search_url(query: str, **extra: str) -> str:
    """Return the URL of the search page for ``query``."""
    return "/cari?" + urlencode({"q": query, **extra})


def public_pages() -> list[str]:
    """Every public page of the portal: the catalog, the FAQ, search states and a 404 page.

    Built from the catalog data file and the ``kb/`` articles with the project's own loaders,
    so new codes and articles are covered without editing this list.
    """
    catalog = load_catalog(CATALOG_FILE)
    kb = load_knowledge_base(ROOT / "kb")
    pages = ["/", "/layanan"]
    pages += [f"/layanan?pengguna={user.id}" for user in catalog.user_types]
    pages += ["/layanan/matriks"]
    pages += [f"/layanan/{code}" for code in catalog.nodes]
    pages += ["/faq"]
    pages += [f"/faq/{code}" for code in catalog.nodes]
    pages += [f"/faq/{article.folder}/{article.slug}" for article in kb.articles]
    pages += ["/cari", *(search_url(q) for q in SEARCHES.values()), search_url(SEARCHES["koreksi"], persis="1")]
    pages += ["/tiket-saya", "/tiket-saya?terkirim=1", "/permintaan", "/kinerja", "/chat"]
    first = kb.articles[0]  # after "Tidak": the in-place "what was missing?" step, and the thanks
    pages += [f"/faq/{first.folder}/{first.slug}?umpan-balik={step}" for step in ("tidak", "terima-kasih")]
    pages += [NOT_FOUND]
    return pages


def expected_status(path: str) -> int:
    """The HTTP status a public page answers with."""
    return 404 if path == NOT_FOUND else 200
