"""The page's language: which one a request gets, and its translations read once per request.

Indonesian is the source and the default; English is the one other language. The visitor's
choice is kept in the ``bahasa`` cookie (set by the header's language link); without one, the
browser's ``Accept-Language`` decides, and anything else gets Indonesian.

Flask-Babel's template callables look the translations up again on every ``{{ _('…') }}``
(current context, locale, domain, cache: about 40 µs each). A page has 40 of them or more, so
the lookup is done once per request and locale here and kept on ``g``; the strings and their
formatting are Flask-Babel's and Jinja's.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import Flask, g, has_request_context, request
from flask_babel import force_locale, get_locale, get_translations
from markupsafe import Markup

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
COOKIE = "bahasa"
# What the header's link offers in each language, named in that language (a visitor who cannot
# read the page's language still recognises their own).
NAMES = {"id": "Bahasa Indonesia", "en": "English"}
_KEY = "_portal_translations"


def select_locale() -> str | None:
    """The request's language: the remembered choice, else ``Accept-Language``, else Indonesian.

    Outside a request (jobs, the CLI) there is no visitor: ``None`` gives the default, and
    letters to requesters choose theirs with ``flask_babel.force_locale``.
    """
    if not has_request_context():
        return None
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def desk_language() -> AbstractContextManager[None]:
    """Write what the desk keeps (ticket events, staff notifications, audit summaries, announcement
    titles) in Indonesian, whatever language the person causing it reads: other staff read it later."""
    return force_locale(DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language code of what is being rendered now ("id" or "en")."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def translations():
    """Return the translations of the current locale (looked up once per request and locale).

    Keyed by the locale because ``force_locale`` renders a letter in the requester's language
    in the middle of a request in another.
    """
    language = current_language()
    found = g.get(_KEY)
    if found is None or found[0] != language:
        found = (language, get_translations())
        setattr(g, _KEY, found)
    return found[1]


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
    app.add_template_global(current_language, "current_language")
    app.add_template_global(source_lang, "source_lang")


def source_lang() -> Markup:
    """`` lang="id"`` for text quoted in Indonesian (the catalog) on a page in another language, else nothing.

    Screen readers then read the published Indonesian as Indonesian (WCAG 3.1.2, language of parts).
    """
    return Markup(' lang="id"') if current_language() != DEFAULT_LANGUAGE else Markup("")
