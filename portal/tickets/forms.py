"""Request forms built from request-type data, plus the status and reply forms."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from portal.core.forms import PortalForm
from portal.tickets.fields import REGISTRY
from portal.tickets.types import RequestType


def user_type_field(user_types) -> SelectField:
    """The "Saya adalah …" question every request starts with."""
    choices = [SelectChoice("", _l("— Pilih jenis pengguna —"))]
    choices += [SelectChoice(str(u.id), f"{u.id}. {u.name}") for u in user_types]
    return SelectField(_l("Saya adalah"), choices=choices, validators=[InputRequired(_l("Pilih jenis pengguna."))])


@lru_cache(maxsize=64)
def form_class(rtype: RequestType, user_types: tuple) -> type[PortalForm]:
    """Build (once per request type) the form class whose fields the type names."""
    attrs = {"pengguna": user_type_field(user_types)}
    for name in rtype.fields:
        attrs[name] = REGISTRY[name].build(required=name in rtype.required)
    return type(f"Form_{rtype.key.replace('-', '_')}", (PortalForm,), attrs)


class StatusForm(PortalForm):
    """Look a ticket up by its reference, optionally proving it is yours with the e-mail."""

    referensi = StringField(
        _l("Nomor tiket"),
        validators=[InputRequired(_l("Isi nomor tiket.")), Length(max=40)],
        description=_l("Mis. HAI-2611-7KQ4M9XD, seperti pada e-mail konfirmasi."),
    )
    email = EmailField(
        _l("Alamat e-mail (tidak wajib)"),
        validators=[Optional(), Length(max=254)],
        description=_l("Isi untuk membaca seluruh percakapan; tanpa e-mail hanya ringkasan yang ditampilkan."),
    )


class ReplyForm(PortalForm):
    """The requester's reply in the thread."""

    pesan = TextAreaField(_l("Pesan"), validators=[Optional(), Length(max=5000)])
    lampiran = MultipleFileField(_l("Lampiran"))


class RenewForm(PortalForm):
    """Ask for a new private link, sent to the requester's address."""

    referensi = StringField(_l("Nomor tiket"), validators=[InputRequired(), Length(max=40)])
    email = EmailField(_l("Alamat e-mail"), validators=[InputRequired(), Length(max=254)])


class SurveyForm(PortalForm):
    """One question after resolution: how satisfied, 1 to 5, with an optional comment."""

    rating = RadioField(
        _l("Seberapa puas Anda dengan penyelesaian tiket ini?"),
        choices=[
            SelectChoice(str(i), label)
            for i, label in enumerate(
                [
                    _l("1 — Sangat tidak puas"),
                    _l("2 — Tidak puas"),
                    _l("3 — Cukup"),
                    _l("4 — Puas"),
                    _l("5 — Sangat puas"),
                ],
                start=1,
            )
        ],
        validators=[InputRequired(_l("Pilih salah satu nilai."))],
    )
    comment = TextAreaField(_l("Komentar (tidak wajib)"), validators=[Optional(), Length(max=2000)])


class MyTicketsForm(PortalForm):
    """Ask for the address whose tickets to list ("Tiket saya")."""

    email = EmailField(
        _l("Alamat e-mail"),
        validators=[InputRequired(_l("Isi alamat e-mail.")), Length(max=254)],
        description=_l("Alamat yang Anda pakai saat mengajukan permintaan."),
    )


class MyTicketsOpenForm(PortalForm):
    """Use the e-mailed link: the token travels in the body of a POST, not in a further URL."""

    t = HiddenField(validators=[InputRequired(), Length(max=100)])


class MyTicketsEndForm(PortalForm):
    """End the "Tiket saya" session in this browser (a CSRF token, no fields)."""
