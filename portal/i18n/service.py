"""The translation catalogs: compiling them, extracting the messages, and what is missing.

The ``.po`` files under ``portal/translations`` are the source of truth and the only ones kept
in git; the ``.mo`` files Flask-Babel reads are compiled from them when the application starts
and one is missing or older than its ``.po`` (a fresh clone, a pulled catalog). They are written
beside the ``.po`` when the package folder is writable, else under ``instance/translations``.
Extraction uses Babel's Python API with ``portal/babel.cfg``, as ``pybabel extract`` does.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent
TRANSLATIONS = PACKAGE / "translations"
ROOT = PACKAGE.parent
MAPPING = PACKAGE / "babel.cfg"
# The languages whose catalog must translate every message (Indonesian is the source).
TRANSLATED = ("en",)
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]")


def _stale(po: Path, mo: Path) -> bool:
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalogs(source: Path = TRANSLATIONS, target: Path | None = None) -> list[Path]:
    """Compile every ``.po`` under ``source`` whose ``.mo`` under ``target`` is missing or older.

    Each file is written to a temporary name and renamed, so workers starting together never
    read half a file. Fuzzy entries are left out, as ``pybabel compile`` does. Returns what it wrote.
    """
    target = target or source
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if not _stale(po, mo):
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle)
        descriptor, name = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        with os.fdopen(descriptor, "wb") as out:
            write_mo(out, catalog)
        os.replace(name, mo)
        written.append(mo)
    return written


def writable(folder: Path) -> bool:
    """Tell whether compiled catalogs can be written into ``folder`` (an editable install can)."""
    return os.access(folder, os.W_OK) and all(os.access(p, os.W_OK) for p in folder.glob("*/LC_MESSAGES"))


def extract(root: Path = ROOT) -> Catalog:
    """Extract every translatable message of the portal (Python and templates), as a template."""
    with MAPPING.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(project="Portal HAI-DJPb", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords={"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None},
        # Babel's default filter skips every folder starting with "_", which would leave out
        # templates/_macros; only hidden folders and caches are skipped here.
        directory_filter=lambda path: not Path(path).name.startswith((".", "__")),
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read(language: str, domain: str = "messages") -> Catalog:
    """Read one language's ``.po`` catalog."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle)


def placeholders(text: str) -> list[str]:
    """The ``%``-placeholders of a message, sorted ("%(name)s" by name, bare ones by type)."""
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text) if match.group(0) != "%%")


@dataclass
class Problems:
    """What keeps a catalog from serving every message of the portal."""

    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.fuzzy or self.placeholders)

    def report(self, language: str) -> str:
        """A readable list, one msgid a line, of what to fix in ``language``'s catalog."""
        lines = []
        kinds = (("missing", self.missing), ("fuzzy", self.fuzzy), ("placeholders differ", self.placeholders))
        for title, items in kinds:
            if items:
                lines.append(f"{language}: {len(items)} {title}:")
                lines += [f"  {item!r}" for item in items]
        return "\n".join(lines)


def _text(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def check(template: Catalog, catalog: Catalog) -> Problems:
    """Compare a catalog with the extracted messages: missing, fuzzy, placeholders that differ."""
    found = Problems()
    for message in template:
        if not message.id:
            continue
        key = _text(message.id)[0]
        entry = catalog.get(message.id, message.context)
        strings = _text(entry.string) if entry is not None else []
        if entry is None or not strings or not all(strings):
            found.missing.append(key)
            continue
        if entry.fuzzy:
            found.fuzzy.append(key)
        wanted = placeholders(_text(message.id)[-1])
        if any(placeholders(text) != wanted for text in strings):
            found.placeholders.append(key)
    return found


def update(template: Catalog, languages: tuple[str, ...] = ("id", "en")) -> None:
    """Merge newly extracted messages into each language's ``.po`` (``pybabel update``).

    New messages arrive untranslated (no fuzzy guesses), so ``check`` lists them by msgid;
    messages no longer in the code are dropped.
    """
    for language in languages:
        path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)
