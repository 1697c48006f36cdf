"""Request forms built from request-type data, plus the status and reply forms."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _
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
from portal.tickets.fields import REGISTRY, field_label
from portal.tickets.types import RequestType


def user_type_field(user_types) -> SelectField:
    """The "Saya adalah …" question every request starts with."""
    choices = [SelectChoice("", _l("— Pilih jenis pengguna —"))]
    choices += [SelectChoice(str(u.id), f"{u.id}. {u.name}") for u in user_types]
    return SelectField(_l("Saya adalah"), choices=choices, validators=[InputRequired(_l("Pilih jenis pengguna."))])


def either_or_message(names: tuple[str, ...]) -> str:
    """The error (and the hint) of an either-or requirement: "Isi NPWP atau Kode satker …"."""
    labels = [field_label(name) for name in names]
    return _("Isi paling sedikit salah satu: %(fields)s.", fields=_(" atau ").join(labels))


class EitherOrForm(PortalForm):
    """A request form with an either-or requirement (B.2 a: "NPWP / Kode Satker")."""

    at_least_one: tuple[str, ...] = ()

    def validate(self, extra_validators=None) -> bool:
        """Validate each field (whichever is given is checked), then require one of the group."""
        valid = super().validate(extra_validators)
        if not any((self[name].data or "").strip() for name in self.at_least_one):
            first = self[self.at_least_one[0]]
            first.errors = [*first.errors, either_or_message(self.at_least_one)]
            return False
        return valid


@lru_cache(maxsize=64)
def form_class(rtype: RequestType, user_types: tuple) -> type[PortalForm]:
    """Build (once per request type) the form class whose fields the type names."""
    attrs: dict = {"pengguna": user_type_field(user_types)}
    for name in rtype.fields:
        attrs[name] = REGISTRY[name].build(required=name in rtype.required)
    base: type[PortalForm] = PortalForm
    if rtype.at_least_one:
        base, attrs["at_least_one"] = EitherOrForm, rtype.at_least_one
    return type(f"Form_{rtype.key.replace('-', '_')}", (base,), attrs)


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
