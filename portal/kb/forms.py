"""Forms of the knowledge base."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from portal.core.forms import PortalForm


class FeedbackForm(PortalForm):
    """"Apakah artikel ini membantu?" — a yes/no answer and nothing else."""

    helpful = RadioField(
        _l("Apakah artikel ini membantu?"),
        choices=[SelectChoice("ya", _l("Ya")), SelectChoice("tidak", _l("Tidak"))],
        validators=[InputRequired()],
    )
