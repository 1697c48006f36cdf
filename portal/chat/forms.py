"""The visitor's chat form (which is also the request form without JavaScript) and the agents' forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal.catalog.service import get_catalog
from portal.core.forms import PortalForm
from portal.tickets.fields import Email

MESSAGE_MAX = 2000  # characters of one message (``CHAT_MESSAGE_MAX_CHARS`` may lower it, never raise it)


class StartForm(PortalForm):
    """Name, e-mail, optional catalog code and ticket, and the first message."""

    nama = StringField(_l("Nama"), validators=[DataRequired(), Length(max=120)], render_kw={"autocomplete": "name"})
    email = StringField(
        _l("Alamat e-mail"),
        validators=[DataRequired(), Length(max=254), Email()],
        render_kw={"autocomplete": "email", "type": "email"},
    )
    kode = StringField(
        _l("Kode layanan (jika tahu)"),
        validators=[
            Optional(),
            Length(max=16),
            Regexp(r"^[A-Za-z]{4}\.\d{2}(\.\d{2})?$", message=_l("Tulis kode seperti BCSM.02.01.")),
        ],
        description=_l("Mis. BCSM.02.01; boleh dikosongkan."),
    )
    tiket = StringField(
        _l("Nomor tiket (jika tentang tiket yang sudah ada)"),
        validators=[Optional(), Length(max=24)],
        description=_l("Transkrip obrolan akan ditambahkan ke tiket itu."),
    )
    pesan = TextAreaField(
        _l("Pertanyaan Anda"),
        validators=[DataRequired(), Length(max=MESSAGE_MAX)],
        render_kw={"rows": 5, "maxlength": MESSAGE_MAX},
    )
    kunci_kirim = HiddenField()

    def validate_kode(self, field) -> None:
        """A code, when given, must be one of the catalog's (written as the catalog writes it)."""
        if field.data:
            field.data = field.data.strip().upper()
            if get_catalog().get(field.data) is None:
                raise ValidationError(_l("Kode layanan ini tidak ada dalam katalog."))


class MessageForm(PortalForm):
    """One chat message."""

    pesan = TextAreaField(
        _l("Pesan"),
        validators=[DataRequired(), Length(max=MESSAGE_MAX)],
        render_kw={"rows": 3, "maxlength": MESSAGE_MAX},
    )


class ActionForm(PortalForm):
    """A button with nothing but its CSRF token (end, accept, clear)."""


class AvailabilityForm(PortalForm):
    """An agent's availability for chats."""

    status = RadioField(
        _l("Status obrolan"),
        choices=[SelectChoice("tersedia", _l("Tersedia")), SelectChoice("istirahat", _l("Istirahat"))],
        validators=[DataRequired()],
    )


class TransferForm(PortalForm):
    """Hand a chat to another agent or to a unit's queue."""

    petugas = SelectField(_l("Ke petugas"), choices=[], validate_choice=False)
    unit = SelectField(_l("Atau ke unit"), choices=[], validate_choice=False)
