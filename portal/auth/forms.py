"""Sign-in form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    """E-mail and password of a DJPb account."""

    email = EmailField(_l("Alamat e-mail"), validators=[InputRequired(_l("Isi alamat e-mail.")), Length(max=254)])
    password = PasswordField(_l("Kata sandi"), validators=[InputRequired(_l("Isi kata sandi.")), Length(max=200)])
    next = HiddenField()
