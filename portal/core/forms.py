"""The base of every form: Flask-WTF, with WTForms' own messages from the portal's catalogs.

WTForms ships catalogs for many languages but none for Indonesian, so a refused choice read "Not
a valid choice." on an Indonesian page. The portal's ``wtforms`` domain
(``portal/translations/<lang>/LC_MESSAGES/wtforms.po``) translates every message of WTForms'
own ``wtforms.pot`` into Indonesian, and Flask-WTF's CSRF messages into both languages; WTForms'
catalog for the page's language stands behind it. ``tests/test_form_messages.py`` fails when a
field answers in the wrong language.
"""

from __future__ import annotations

from babel import support
from flask import current_app, g
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from portal.core.i18n import current_language

_KEY = "_portal_wtforms_translations"


def form_translations() -> support.Translations:
    """The translations WTForms asks for its messages (``gettext`` / ``ngettext``), per request and language.

    The portal's ``wtforms`` catalog first, WTForms' own for the same language as its fallback.
    """
    language = current_language()
    found = g.get(_KEY)
    if found is None or found[0] != language:
        directory = current_app.config.get("PORTAL_TRANSLATIONS_COMPILED") or "."
        own = support.Translations.load(directory, [language], domain="wtforms")
        builtin = support.Translations.load(messages_path(), [language], domain="wtforms")
        if isinstance(own, support.Translations):
            own.add_fallback(builtin)
            found = (language, own)
        else:
            found = (language, builtin)
        setattr(g, _KEY, found)
    return found[1]


class PortalForm(FlaskForm):
    """What every form of the portal derives from (CSRF from Flask-WTF, messages in the page's language)."""

    def validate(self, extra_validators=None) -> bool:
        """Validate as WTForms does, and refuse text holding a NUL character.

        Nobody types one, and PostgreSQL text cannot store it: it would fail at the commit, as a 500.
        """
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [*field.errors, _("Isian mengandung karakter yang tidak diizinkan.")]
                valid = False
        return valid

    class Meta:
        """Hand WTForms the portal's catalogs (WTForms has no Indonesian one)."""

        def get_translations(self, form) -> support.Translations:
            """Return the object WTForms translates its messages with."""
            return form_translations()
