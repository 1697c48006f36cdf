"""Short English glosses beside the catalog's names, which stay exactly as published.

On an English page "Layanan Aplikasi" reads "Layanan Aplikasi (application services)"; on an
Indonesian page, or for a name without a gloss, the name alone. The glosses are in
``glosses.toml`` beside this module.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from portal.core.i18n import current_language

GLOSSES = Path(__file__).with_name("glosses.toml")


@cache
def glosses() -> dict[str, str]:
    """The English gloss of each catalog name that has one."""
    with GLOSSES.open("rb") as handle:
        return dict(tomllib.load(handle)["glosses"])


def gloss(name: object) -> str:
    """Return ``name`` with its English gloss in brackets on English pages, else ``name``."""
    text = str(name)
    extra = glosses().get(text) if current_language() == "en" else None
    return f"{text} ({extra})" if extra else text


def gloss_html(name: object) -> Markup:
    """Like ``gloss``, with the published name marked as Indonesian for screen readers."""
    text = str(name)
    extra = glosses().get(text) if current_language() == "en" else None
    if not extra:
        return escape(text)
    return Markup('<span lang="id">{}</span> ({})').format(text, extra)  # noqa: S704  (format escapes both)
