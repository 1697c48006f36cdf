"""Back-office forms."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.tickets.forms import form_class


class MessageForm(FlaskForm):
    """A public reply or an internal note."""

    body = TextAreaField(_l("Pesan"), validators=[InputRequired(_l("Tulis isi pesan.")), Length(max=10000)])


class StatusChangeForm(FlaskForm):
    """Move the ticket along the workflow; resolving says how the request was fulfilled."""

    status = SelectField(_l("Status baru"), validators=[InputRequired()], choices=[])
    fulfilment = SelectField(_l("Cara pemenuhan (G.3)"), validators=[Optional()], choices=[])
    unit = SelectField(_l("Unit eksternal (bagian F)"), validators=[Optional()], choices=[])
    note = TextAreaField(_l("Keterangan untuk pengguna (tidak wajib)"), validators=[Optional(), Length(max=5000)])


class AssignForm(FlaskForm):
    """Assign the ticket to a member of its unit (empty = unassigned)."""

    assignee = SelectField(_l("Petugas"), validators=[Optional()], choices=[])


@lru_cache(maxsize=64)
def register_form(rtype, user_types: tuple, channels: tuple) -> type[FlaskForm]:
    """The request form of ``rtype`` for staff: the channel it came through, the requester's user type."""
    base = form_class(rtype, user_types)
    kinds = [SelectChoice("", _l("— Pilih jenis pengguna —"))]
    kinds += [SelectChoice(str(u.id), f"{u.id}. {u.name}") for u in user_types]
    choices = [SelectChoice("", _l("— Pilih kanal —"))] + [
        SelectChoice(c.key, f"{c.name} ({', '.join(c.details)})" if c.details else c.name) for c in channels
    ]
    attrs = {
        "kanal": SelectField(_l("Kanal penerimaan"), choices=choices, validators=[InputRequired(_l("Pilih kanal."))]),
        "pengguna": SelectField(
            _l("Jenis pengguna pemohon"), choices=kinds, validators=[InputRequired(_l("Pilih jenis pengguna."))]
        ),
    }
    return type(f"Staff{base.__name__}", (base,), attrs)
