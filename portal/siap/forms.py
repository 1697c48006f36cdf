"""SIAP forms: the complaint, the receipt, messages, and the Secretariat's actions."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.core.forms import PortalForm

MAX_TEXT = 20000
MAX_RECEIPT_INPUT = 64  # longer input is refused before any key derivation

# The scope of WBSM.01 in the catalog's own words (E.11); the stored keys never change.
CATEGORIES = [
    SelectChoice("kode_etik", _l("Pengaduan kode etik")),
    SelectChoice("disiplin", _l("Pengaduan disiplin")),
    SelectChoice("layanan", _l("Pengaduan layanan")),
]


def _file_count(form, field) -> None:
    chosen = [f for f in field.data or [] if getattr(f, "filename", "")]
    limit = current_app.config["SIAP_MAX_FILES"]
    if len(chosen) > limit:
        raise ValidationError(_l("Paling banyak %(n)s berkas sekaligus.", n=limit))


class ComplaintForm(PortalForm):
    """A complaint: what, who, when, where, the description, evidence, optional identity."""

    kategori = RadioField(
        _l("Jenis pengaduan"), choices=CATEGORIES, validators=[InputRequired(_l("Pilih jenis pengaduan."))]
    )
    peristiwa = StringField(
        _l("Apa yang terjadi?"),
        description=_l("Satu kalimat singkat, mis. \"Petugas meminta imbalan untuk mempercepat layanan\"."),
        validators=[InputRequired(_l("Tuliskan secara singkat apa yang terjadi.")), Length(max=200)],
    )
    pihak = StringField(
        _l("Siapa yang terlibat?"), description=_l("Nama, jabatan, atau unit. Boleh dikosongkan."),
        validators=[Optional(), Length(max=300)],
    )
    waktu = StringField(
        _l("Kapan terjadi?"), description=_l("Tanggal atau perkiraan waktu. Boleh dikosongkan."),
        validators=[Optional(), Length(max=100)],
    )
    tempat = StringField(
        _l("Di mana terjadi?"), description=_l("Kantor, kota, atau aplikasi. Boleh dikosongkan."),
        validators=[Optional(), Length(max=200)],
    )
    uraian = TextAreaField(
        _l("Uraian kejadian"),
        description=_l("Ceritakan kronologi dan bukti yang Anda ketahui. Jangan menuliskan kode resi."),
        validators=[InputRequired(_l("Tuliskan uraian kejadian.")), Length(max=MAX_TEXT)],
    )
    berkas = MultipleFileField(
        _l("Bukti (berkas)"),
        description=_l(
            "Boleh dikosongkan. Hapus dulu metadata berkas (nama penulis, lokasi GPS foto, riwayat perubahan "
            "dokumen) karena metadata dapat mengungkap identitas Anda."
        ),
        validators=[_file_count],
    )
    anonim = BooleanField(
        _l("Saya ingin tetap anonim"),
        default=True,
        description=_l("Biarkan dicentang agar nama dan kontak tidak dikirim. Hapus centang untuk mengisinya."),
    )
    nama = StringField(_l("Nama (opsional)"), validators=[Optional(), Length(max=120)])
    # One-time key of this form (``formkeys``): checked by the view, which issues a new one.
    kunci = HiddenField(validators=[Optional(), Length(max=100)])
    kontak = StringField(
        _l("Kontak (opsional)"), description=_l("E-mail atau nomor telepon."), validators=[Optional(), Length(max=200)]
    )

    def validate_anonim(self, field) -> None:
        """Refuse identity fields while "stay anonymous" is ticked, so nothing is sent by mistake."""
        if field.data and ((self.nama.data or "").strip() or (self.kontak.data or "").strip()):
            raise ValidationError(
                _l("Anda memilih tetap anonim. Kosongkan nama dan kontak, atau hapus centang \"tetap anonim\".")
            )

    def report(self) -> dict:
        """Return the structured report fields."""
        return {
            name: (getattr(self, name).data or "").strip()
            for name in ("kategori", "peristiwa", "pihak", "waktu", "tempat", "uraian")
        }

    def identity(self) -> dict | None:
        """Return the identity the reporter chose to give, or None."""
        if self.anonim.data or not (self.nama.data or self.kontak.data):
            return None
        return {"nama": (self.nama.data or "").strip(), "kontak": (self.kontak.data or "").strip()}


class ReceiptForm(PortalForm):
    """The receipt, to open one's own complaint."""

    resi = StringField(
        _l("Kode resi"),
        description=_l("20 huruf dan angka; spasi, tanda hubung, dan huruf besar/kecil tidak berpengaruh."),
        validators=[InputRequired(_l("Masukkan kode resi.")), Length(max=MAX_RECEIPT_INPUT)],
    )


class MessageForm(PortalForm):
    """A message in the thread, with optional files."""

    pesan = TextAreaField(_l("Pesan"), validators=[InputRequired(_l("Tuliskan pesan.")), Length(max=MAX_TEXT)])
    berkas = MultipleFileField(
        _l("Berkas (opsional)"),
        description=_l("Hapus dulu metadata berkas sebelum mengirim."),
        validators=[_file_count],
    )


class NoteForm(PortalForm):
    """An internal note: never shown to the reporter."""

    catatan = TextAreaField(
        _l("Catatan internal"), validators=[InputRequired(_l("Tuliskan catatan.")), Length(max=MAX_TEXT)]
    )


class StatusForm(PortalForm):
    """The next status of a complaint (choices: the allowed transitions)."""

    status = SelectField(_l("Status baru"), choices=[], validators=[InputRequired(_l("Pilih status baru."))])

    def allow(self, statuses) -> None:
        """Offer only these next statuses, after a placeholder that must be replaced by a choice."""
        allowed = [SelectChoice(s, s.label) for s in statuses]
        self.status.choices = [SelectChoice("", _l("— Pilih status —")), *allowed] if allowed else []


class UnlockForm(PortalForm):
    """The member's account password, to unlock the unit key."""

    password = PasswordField(
        _l("Kata sandi akun Anda"), validators=[InputRequired(_l("Isi kata sandi.")), Length(max=200)]
    )


class ActionForm(PortalForm):
    """A button with nothing but the CSRF token (forward, grant, revoke, log out)."""
