"""The field registry: every kind of form field with its label, help, widget and validator.

Request types (``portal/catalog/permintaan.toml``) only name fields; how a field looks and
what it accepts lives here, once, so a catalog change needs no code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError


def _digits(value: str) -> str:
    """Remove the punctuation people type inside numbers (spaces, dots, hyphens, slashes)."""
    return re.sub(r"[\s.\-/]", "", value or "")


class Email:
    """Check the syntax of an e-mail address without any DNS look-up."""

    def __call__(self, form, field) -> None:
        """Validate and normalise ``field.data``."""
        if not field.data:
            return
        try:
            field.data = validate_email(field.data.strip(), check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValidationError(_l("Alamat e-mail tidak valid, contoh: nama@contoh.go.id.")) from exc


class DigitsPattern:
    """Accept a number typed with or without punctuation; store only the digits."""

    def __init__(self, lengths: tuple[int, ...] | range, message):
        self.lengths = lengths
        self.message = message

    def __call__(self, form, field) -> None:
        """Normalise to digits and check the length."""
        if not field.data:
            return
        digits = _digits(field.data)
        if not (digits.isascii() and digits.isdigit()) or len(digits) not in self.lengths:
            raise ValidationError(self.message)
        field.data = digits


class Reference:
    """Accept a document number made of letters, digits and / . - (normalised to upper case)."""

    PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9/.\-]*$")

    def __init__(self, max_length: int, message):
        self.max_length = max_length
        self.message = message

    def __call__(self, form, field) -> None:
        """Normalise and check the characters and length."""
        if not field.data:
            return
        value = re.sub(r"\s+", "", field.data).upper()
        if len(value) > self.max_length or not self.PATTERN.match(value):
            raise ValidationError(self.message)
        field.data = value


@dataclass(frozen=True)
class FieldKind:
    """One kind of field: how to build it and how it is shown back."""

    key: str
    label: Any
    help: Any
    factory: type
    validators: tuple = ()
    options: dict | None = None
    autocomplete: str | None = None
    file: bool = False

    def build(self, required: bool):
        """Return an unbound WTForms field for this kind."""
        first = InputRequired(_l("Kolom ini wajib diisi.")) if required else Optional()
        return self.factory(
            self.label, validators=[first, *self.validators], description=self.help, **(self.options or {})
        )


REGISTRY: dict[str, FieldKind] = {
    kind.key: kind
    for kind in (
        FieldKind("nama", _l("Nama"), _l("Nama lengkap Anda."), StringField, (Length(max=120),), autocomplete="name"),
        FieldKind(
            "email",
            _l("Alamat e-mail"),
            _l("Jawaban dan tautan status dikirim ke alamat ini."),
            EmailField,
            (Length(max=254), Email()),
            autocomplete="email",
        ),
        FieldKind(
            "nama_satker",
            _l("Nama satuan kerja"),
            _l("Informasi pendukung; kosongkan bila bukan satker."),
            StringField,
            (Length(max=160),),
            autocomplete="organization",
        ),
        FieldKind(
            "kode_satker",
            _l("Kode satker"),
            _l("6 digit, mis. 123456."),
            StringField,
            (DigitsPattern((6,), _l("Kode satker terdiri atas 6 digit angka.")),),
        ),
        FieldKind(
            "npwp",
            _l("NPWP"),
            _l("15 digit, atau 16 digit untuk NPWP berbasis NIK; titik dan tanda hubung boleh."),
            StringField,
            (DigitsPattern((15, 16), _l("NPWP terdiri atas 15 atau 16 digit angka.")),),
        ),
        FieldKind(
            "nomor_sp2d",
            _l("Nomor SP2D"),
            _l("Nomor Surat Perintah Pencairan Dana, angka saja."),
            StringField,
            (DigitsPattern(range(6, 26), _l("Nomor SP2D terdiri atas 6–25 digit angka.")),),
        ),
        FieldKind(
            "nomor_rekening",
            _l("Nomor rekening penerima"),
            _l("Angka saja; spasi dan tanda hubung boleh."),
            StringField,
            (DigitsPattern(range(6, 21), _l("Nomor rekening terdiri atas 6–20 digit angka.")),),
        ),
        FieldKind(
            "nomor_rekening_supplier",
            _l("Nomor rekening supplier"),
            _l("Angka saja; spasi dan tanda hubung boleh."),
            StringField,
            (DigitsPattern(range(6, 21), _l("Nomor rekening terdiri atas 6–20 digit angka.")),),
        ),
        # B.2 huruf d names "Tipe supplier" without listing types: a list made up here would read
        # as the catalog's, so the requester writes the type as SPAN recorded it.
        FieldKind(
            "tipe_supplier",
            _l("Tipe supplier"),
            _l(
                "Tulis tipe supplier seperti tercatat pada pendaftaran supplier di SPAN. "
                "Katalog tidak memuat daftar tipe supplier."
            ),
            StringField,
            (Length(max=80),),
        ),
        FieldKind(
            "nomor_spm",
            _l("Nomor SPM"),
            _l("Nomor Surat Perintah Membayar seperti tertulis di SPM."),
            StringField,
            (Reference(40, _l("Nomor SPM hanya boleh berisi huruf, angka, dan / . - (maks. 40).")),),
        ),
        FieldKind(
            "nomor_kontrak",
            _l("Nomor kontrak"),
            _l("Seperti tertulis di kontrak."),
            StringField,
            (Reference(60, _l("Nomor kontrak hanya boleh berisi huruf, angka, dan / . - (maks. 60).")),),
        ),
        FieldKind(
            "nomor_tiket",
            _l("Nomor tiket"),
            _l("Mis. HAI-2611-7KQ4M9XD."),
            StringField,
            (Reference(20, _l("Nomor tiket tidak valid.")),),
        ),
        FieldKind(
            "subjek",
            _l("Subjek"),
            _l('Ringkas, mis. "Pembatalan SP2D gaji bulan ini".'),
            StringField,
            (Length(min=5, max=150, message=_l("Subjek 5–150 karakter.")),),
        ),
        FieldKind(
            "detail",
            _l("Detail pertanyaan atau permasalahan"),
            _l("Jelaskan apa yang terjadi, apa yang sudah dicoba, dan pesan galat bila ada."),
            TextAreaField,
            (Length(min=10, max=5000, message=_l("Detail 10–5.000 karakter.")),),
        ),
        FieldKind("lampiran", _l("Lampiran"), None, MultipleFileField, file=True),
    )
}


def field_label(key: str) -> str:
    """Return the label of a field kind (for summaries and e-mails)."""
    return str(REGISTRY[key].label)
