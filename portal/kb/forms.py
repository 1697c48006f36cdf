"""Forms of the knowledge base."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired


class FeedbackForm(FlaskForm):
    """"Apakah artikel ini membantu?" — a yes/no answer and nothing else."""

    helpful = RadioField(
        _l("Apakah artikel ini membantu?"),
        choices=[SelectChoice("ya", _l("Ya")), SelectChoice("tidak", _l("Tidak"))],
        validators=[InputRequired()],
    )
