"""Back-office forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


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
