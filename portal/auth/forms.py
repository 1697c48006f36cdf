"""Sign-in and password-change forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.core.forms import PortalForm


class LoginForm(PortalForm):
    """E-mail and password of a DJPb account."""

    email = EmailField(_l("Alamat e-mail"), validators=[InputRequired(_l("Isi alamat e-mail.")), Length(max=254)])
    password = PasswordField(_l("Kata sandi"), validators=[InputRequired(_l("Isi kata sandi.")), Length(max=200)])
    next = HiddenField()


class PasswordForm(PortalForm):
    """The current password, to confirm it is the owner, and the new one typed twice."""

    current = PasswordField(
        _l("Kata sandi saat ini"), validators=[InputRequired(_l("Isi kata sandi saat ini.")), Length(max=200)]
    )
    new = PasswordField(
        _l("Kata sandi baru"),
        # The minimum length is the account rule's (service.check_strength), checked there.
        validators=[InputRequired(_l("Isi kata sandi baru.")), Length(max=200)],
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[
            InputRequired(_l("Ulangi kata sandi baru.")),
            EqualTo("new", _l("Kedua isian kata sandi baru berbeda.")),
        ],
    )
