"""Forms of the FAQ back office (every one carries its CSRF token through ``PortalForm``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.core.forms import PortalForm
from portal.kb.loader import SLUG


def split_list(raw: str | None) -> list[str]:
    """Comma- or line-separated words to a list (empty items and repeats dropped)."""
    items = (part.strip() for part in (raw or "").replace("\n", ",").split(","))
    return list(dict.fromkeys(item for item in items if item))


class ArticleForm(PortalForm):
    """The whole article as text fields; "Pratinjau" renders it without saving."""

    slug = StringField(_l("Alamat (slug)"), validators=[Optional(), Length(max=120), Regexp(SLUG.pattern)])
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=300)])
    codes = StringField(_l("Kode layanan (pisahkan dengan koma; yang pertama menentukan alamat)"),
                        validators=[DataRequired(), Length(max=200)])  # fmt: skip
    tags = StringField(_l("Tag (pisahkan dengan koma)"), validators=[Optional(), Length(max=500)])
    synonyms = StringField(_l("Sinonim (pisahkan dengan koma)"), validators=[Optional(), Length(max=500)])
    related = StringField(_l("Artikel terkait (slug, pisahkan dengan koma)"), validators=[Optional(), Length(max=1000)])
    body = TextAreaField(_l("Isi (Markdown)"), validators=[DataRequired(), Length(max=60000)])
    review_by = DateField(_l("Tinjau ulang paling lambat"), validators=[Optional()])
    note = StringField(_l("Catatan perubahan"), validators=[DataRequired(), Length(max=300)])
    preview = SubmitField(_l("Pratinjau"))
    save = SubmitField(_l("Simpan sebagai draf"))


class ActionForm(PortalForm):
    """A workflow button (ajukan, terbitkan, pulihkan): only the CSRF token."""


class ArchiveForm(PortalForm):
    """Archive an article, naming the article its URL will lead to."""

    successor = StringField(_l("Slug artikel pengganti"), validators=[DataRequired(), Length(max=120)])


class QueueCloseForm(PortalForm):
    """Close a writing-queue item by linking the published article that answers it."""

    kind = HiddenField(validators=[DataRequired(), Length(max=12)])
    key = HiddenField(validators=[DataRequired(), Length(max=200)])
    article = SelectField(_l("Artikel yang menjawab"), validators=[DataRequired()], choices=[], validate_choice=False)
    submit = SubmitField(_l("Tautkan dan tutup"))
