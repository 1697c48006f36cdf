"""Template translations read once per request.

Flask-Babel's template callables look the translations up again on every ``{{ _('…') }}``
(current context, locale, domain, cache: about 40 µs each). A page has 40 of them or more, so
the lookup is done once per request here and kept on ``g``, where Flask-Babel keeps the
request's locale too; the strings and their formatting are Flask-Babel's and Jinja's.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import get_translations

_KEY = "_portal_translations"


def translations():
    """Return this request's translations (looked up on first use)."""
    found = g.get(_KEY)
    if found is None:
        found = get_translations()
        setattr(g, _KEY, found)
    return found


def install(app: Flask) -> None:
    """Replace the template gettext callables that Flask-Babel installed (same signatures)."""
    # Jinja's i18n extension adds this method at run time, so its stubs do not know it.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
