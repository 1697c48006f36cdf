"""Forms of the knowledge base."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired

from portal.core.forms import PortalForm
from portal.kb.models import MISSING_MAX


class FeedbackForm(PortalForm):
    """"Apakah artikel ini membantu?" — a yes/no answer and nothing else."""

    helpful = RadioField(
        _l("Apakah artikel ini membantu?"),
        choices=[SelectChoice("ya", _l("Ya")), SelectChoice("tidak", _l("Tidak"))],
        validators=[InputRequired()],
    )


class MissingForm(PortalForm):
    """After "Tidak": what was missing, in a few optional words."""

    kurang = TextAreaField(
        _l("Apa yang kurang dari artikel ini? (opsional)"),
        render_kw={"maxlength": MISSING_MAX, "rows": 3},  # longer text is cut by the service, not refused
    )
