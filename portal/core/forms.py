"""The base of every form: Flask-WTF with WTForms' own messages in Indonesian.

WTForms ships no Indonesian catalog, so a refused choice read "Not a valid choice." on an Indonesian
page. Each message WTForms can produce for the fields and validators the portal uses is mapped here
to an Indonesian text wrapped for translation like every other string; a message not listed stays
as WTForms wrote it, and ``tests/test_form_messages.py`` fails when a field answers in English.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm


def _indonesian(message: str) -> str | None:
    """The Indonesian text of a WTForms message (its singular form, for those with a count), or None.

    Indonesian nouns do not change with a count, so one text serves both forms. The texts keep
    WTForms' placeholders unformatted (``gettext`` without arguments): WTForms fills them in.
    """
    texts = {
        "Not a valid choice.": _("Pilihan tidak tersedia."),
        "Invalid Choice: could not coerce.": _("Pilihan tidak dikenal."),
        "Invalid choice(s): one or more data inputs could not be coerced.": _("Ada pilihan yang tidak dikenal."),
        "'%(value)s' is not a valid choice for this field.": _("'%(value)s' bukan pilihan yang tersedia."),
        "Not a valid date value.": _("Tanggal tidak valid; tulis sebagai tahun-bulan-tanggal."),
        "Not a valid integer value.": _("Isi dengan bilangan bulat."),
        "This field is required.": _("Isian ini wajib diisi."),
        "Invalid input.": _("Isian tidak valid."),
        "Invalid email address.": _("Alamat e-mail tidak valid."),
        "Field must be equal to %(other_name)s.": _("Isian harus sama dengan %(other_name)s."),
        "Field must be at least %(min)d character long.": _("Isian minimal %(min)d karakter."),
        "Field cannot be longer than %(max)d character.": _("Isian paling banyak %(max)d karakter."),
        "Field must be exactly %(max)d character long.": _("Isian harus tepat %(max)d karakter."),
        "Field must be between %(min)d and %(max)d characters long.": _(
            "Isian harus %(min)d sampai %(max)d karakter."
        ),
        "CSRF token missing.": _("Sesi formulir kedaluwarsa. Kirim ulang formulir."),
        "CSRF token expired.": _("Sesi formulir kedaluwarsa. Kirim ulang formulir."),
        "Invalid CSRF Token.": _("Sesi formulir kedaluwarsa. Kirim ulang formulir."),
        "CSRF failed.": _("Sesi formulir kedaluwarsa. Kirim ulang formulir."),
    }
    return texts.get(message)


class IndonesianMessages:
    """The translations object WTForms asks for its messages (``gettext`` / ``ngettext``)."""

    def gettext(self, message: str) -> str:
        """Return the Indonesian text of a WTForms message, or the message itself."""
        return _indonesian(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the Indonesian text of a WTForms message with a count, or WTForms' own."""
        return _indonesian(singular) or (singular if n == 1 else plural)


class PortalForm(FlaskForm):
    """What every form of the portal derives from (CSRF from Flask-WTF, messages in Indonesian)."""

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
        """Hand WTForms the Indonesian messages instead of its catalog, which has no Indonesian."""

        def get_translations(self, form) -> IndonesianMessages:
            """Return the object WTForms translates its messages with."""
            return MESSAGES


MESSAGES = IndonesianMessages()
