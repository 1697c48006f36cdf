"""Nothing is left untranslated: every message of the code has an English text, kept in step.

The messages are extracted from the sources with Babel's Python API (``portal/babel.cfg``), as
``flask i18n update`` does; the test lists by msgid what the English catalog misses, what is
fuzzy and where the placeholders differ. To fix a failure: ``flask --app app i18n update``, then
translate the listed msgids in ``portal/translations/en/LC_MESSAGES/messages.po`` (README,
"Translations").
"""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from wtforms.i18n import messages_path

from portal.i18n import service


@pytest.fixture(scope="module")
def extraction() -> tuple[Catalog, str]:
    """The extracted messages, and what Babel's extractor wrote to stderr meanwhile."""
    written = io.StringIO()
    with contextlib.redirect_stderr(written):
        catalog = service.extract()
    return catalog, written.getvalue()


@pytest.fixture(scope="module")
def extracted(extraction) -> Catalog:
    return extraction[0]


def test_the_extractor_skips_nothing(extraction):
    # An f-string inside _() ("d=f'{day}'") makes Babel skip that argument and warn; a message
    # it skips whole would be missing from every catalog while the check above stays green.
    assert "warning" not in extraction[1], extraction[1]


def test_the_english_catalog_translates_every_message(extracted):
    assert len(extracted) > 1000  # templates and Python both extracted (``_l`` too)
    problems = service.check(extracted, service.read("en"))
    how = "Run `flask --app app i18n update`, then translate the msgids above (README: Translations)."
    assert not problems, "\n" + problems.report("en") + "\n" + how


def test_lazy_strings_and_macros_are_extracted_too(extracted):
    # Form labels are ``_l(...)``: ``pybabel extract`` without ``-k _l`` would miss them.
    assert extracted.get("Pertanyaan atau permasalahan aplikasi") is not None
    assert extracted.get("Kata sandi saat ini") is not None
    # Babel's default directory filter would skip templates/_macros (a folder starting with "_").
    assert extracted.get("(wajib)") is not None


def test_the_check_finds_missing_fuzzy_and_differing_placeholders():
    template = Catalog()
    for text in ("Satu", "Dua", "Tiga %(n)s", "Empat %(a)s dan %(b)s", "Lima"):
        template.add(text)
    template.add(("%(num)d berkas", "%(num)d berkas"))
    catalog = Catalog(locale="en")
    catalog.add("Satu", "One")
    catalog.add("Dua", "Two", flags=["fuzzy"])
    catalog.add("Tiga %(n)s", "Three %(m)s")
    catalog.add("Empat %(a)s dan %(b)s", "Four %(b)s and %(a)s")  # order may change, names may not
    catalog.add(("%(num)d berkas", "%(num)d berkas"), ("%(num)d file", ""))
    problems = service.check(template, catalog)
    assert problems.missing == ["Lima", "%(num)d berkas"]
    assert problems.fuzzy == ["Dua"]
    assert problems.placeholders == ["Tiga %(n)s"]
    report = problems.report("en")
    assert "'Lima'" in report and "2 missing" in report


def test_the_indonesian_wtforms_catalog_covers_every_wtforms_message():
    with (Path(messages_path()) / "wtforms.pot").open("rb") as handle:
        template = read_po(handle)
    problems = service.check(template, service.read("id", "wtforms"))
    assert not problems, problems.report("id (wtforms)")


def test_compiled_catalogs_are_not_in_git():
    # The .mo files are built from the .po at start-up; a committed one would go stale.
    root = Path(__file__).resolve().parents[2]
    tracked = subprocess.run(
        ["git", "ls-files", "portal/translations"], cwd=root, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    assert [p for p in tracked if p.endswith(".mo")] == []
    sources = {f"portal/translations/{lang}/LC_MESSAGES/messages.po" for lang in ("id", "en")}
    assert sources <= set(tracked)
