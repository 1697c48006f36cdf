"""Back-office forms of the mail feature."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from portal.core.forms import PortalForm


class TriageForm(PortalForm):
    """Give a ticket without a code its catalog code, request type and user type."""

    code = SelectField(_l("Kode layanan"), validators=[InputRequired(_l("Pilih kode layanan."))], choices=[])
    request_type = SelectField(
        _l("Jenis permintaan"), validators=[InputRequired(_l("Pilih jenis permintaan."))], choices=[]
    )
    user_type = SelectField(_l("Jenis pengguna"), validators=[InputRequired(_l("Pilih jenis pengguna."))], choices=[])


class MessageActionForm(PortalForm):
    """One action on one stored message, named by its id in the body (never in the URL)."""

    message_id = HiddenField(validators=[InputRequired()])
    action = HiddenField(validators=[InputRequired()])
