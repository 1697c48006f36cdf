"""Back-office forms."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from portal.core.forms import PortalForm
from portal.tickets.forms import form_class


class MessageForm(PortalForm):
    """A public reply or an internal note."""

    body = TextAreaField(_l("Pesan"), validators=[InputRequired(_l("Tulis isi pesan.")), Length(max=10000)])


class ApprovalForm(PortalForm):
    """The service manager's decision on a broadcast (BMSM.01): approve, or refuse with a reason."""

    decision = RadioField(
        _l("Keputusan"),
        choices=[SelectChoice("setujui", _l("Setujui")), SelectChoice("tolak", _l("Tolak"))],
        validators=[InputRequired(_l("Pilih setujui atau tolak."))],
    )
    reason = TextAreaField(
        _l("Alasan (wajib bila ditolak; dikirim kepada pengguna)"), validators=[Optional(), Length(max=5000)]
    )


class StatusChangeForm(PortalForm):
    """Move the ticket along the workflow; resolving says how the request was fulfilled."""

    status = SelectField(_l("Status baru"), validators=[InputRequired(_l("Pilih status baru."))], choices=[])
    fulfilment = SelectField(_l("Cara pemenuhan (G.3)"), validators=[Optional()], choices=[])
    unit = SelectField(_l("Unit eksternal (bagian F)"), validators=[Optional()], choices=[])
    note = TextAreaField(_l("Keterangan untuk pengguna (tidak wajib)"), validators=[Optional(), Length(max=5000)])


class AssignForm(PortalForm):
    """Assign the ticket to a member of its unit (empty = unassigned)."""

    assignee = SelectField(_l("Petugas"), validators=[Optional()], choices=[])


class TransferForm(PortalForm):
    """Move the ticket to another code (and so to that code's unit), with a reason."""

    code = SelectField(_l("Kode layanan tujuan"), validators=[InputRequired(_l("Pilih kode layanan."))], choices=[])
    reason = TextAreaField(
        _l("Alasan pemindahan"), validators=[InputRequired(_l("Tulis alasan pemindahan.")), Length(max=2000)]
    )


class ReferenceForm(PortalForm):
    """Another ticket named by its reference (the survivor of a merge, a ticket to link)."""

    reference = StringField(_l("Nomor tiket"), validators=[InputRequired(_l("Isi nomor tiket.")), Length(max=40)])


class ForwardForm(PortalForm):
    """A forward to a linked unit of section F."""

    unit = SelectField(_l("Unit terkait (bagian F)"), validators=[InputRequired(_l("Pilih unit."))], choices=[])
    channel = StringField(_l("Kanal penerusan"), validators=[InputRequired(_l("Isi kanal penerusan.")), Length(max=60)])
    sent_at = DateTimeLocalField(
        _l("Dikirim pada"), validators=[InputRequired(_l("Isi tanggal dan jam kirim."))], format="%Y-%m-%dT%H:%M"
    )
    their_reference = StringField(
        _l("Nomor tiket/surat unit terkait (jika ada)"), validators=[Optional(), Length(max=120)]
    )


class ForwardUpdateForm(PortalForm):
    """What came back from the linked unit: its reference, the acknowledgement, the answer."""

    forward_id = HiddenField(validators=[InputRequired()])
    their_reference = StringField(_l("Nomor tiket/surat unit terkait"), validators=[Optional(), Length(max=120)])
    acknowledged_at = DateTimeLocalField(
        _l("Diterima (dikonfirmasi) pada"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    answer = TextAreaField(_l("Jawaban unit terkait"), validators=[Optional(), Length(max=10000)])


class MappingForm(PortalForm):
    """Map a catalog code to a concrete unit's queue (empty: back to the catalog's owner)."""

    code = SelectField(_l("Kode"), validators=[InputRequired(_l("Pilih kode."))], choices=[])
    unit = StringField(_l("Unit tujuan"), validators=[Optional(), Length(max=80)], render_kw={"list": "daftar-unit"})


@lru_cache(maxsize=64)
def register_form(rtype, user_types: tuple, channels: tuple) -> type[PortalForm]:
    """The request form of ``rtype`` for staff: the channel it came through, the requester's user type."""
    base = form_class(rtype, user_types)
    kinds = [SelectChoice("", _l("— Pilih jenis pengguna —"))]
    kinds += [SelectChoice(str(u.id), f"{u.id}. {u.name}") for u in user_types]
    choices = [SelectChoice("", _l("— Pilih kanal —"))] + [
        SelectChoice(c.key, f"{c.name} ({', '.join(c.details)})" if c.details else c.name) for c in channels
    ]
    attrs = {
        "kanal": SelectField(_l("Kanal penerimaan"), choices=choices, validators=[InputRequired(_l("Pilih kanal."))]),
        "pengguna": SelectField(
            _l("Jenis pengguna pemohon"), choices=kinds, validators=[InputRequired(_l("Pilih jenis pengguna."))]
        ),
    }
    return type(f"Staff{base.__name__}", (base,), attrs)


class CannedReplyForm(PortalForm):
    """A reply text kept for one service."""

    reply_id = HiddenField()
    service = SelectField(_l("Layanan"), validators=[InputRequired(_l("Pilih layanan."))], choices=[])
    title = StringField(_l("Judul"), validators=[InputRequired(_l("Isi judul.")), Length(max=120)])
    body = TextAreaField(_l("Isi balasan"), validators=[InputRequired(_l("Isi teks balasan.")), Length(max=10000)])


class DeleteForm(PortalForm):
    """Delete or remove one row, named by its id (kept in the body, not the URL)."""

    item_id = HiddenField(validators=[InputRequired()])


class AnnouncementForm(PortalForm):
    """An announcement on the home page for a period of days."""

    title = StringField(_l("Judul"), validators=[InputRequired(_l("Isi judul.")), Length(max=160)])
    body = TextAreaField(_l("Isi (tidak wajib)"), validators=[Optional(), Length(max=5000)])
    starts_on = DateField(_l("Tampil mulai"), validators=[InputRequired(_l("Isi tanggal mulai."))])
    ends_on = DateField(_l("Tampil sampai"), validators=[InputRequired(_l("Isi tanggal selesai."))])


class OverrideForm(PortalForm):
    """A day the desk closes although it is a working day, or opens although it is not."""

    day = DateField(_l("Tanggal"), validators=[InputRequired(_l("Isi tanggal."))])
    kind = RadioField(
        _l("Layanan pada tanggal itu"),
        choices=[
            SelectChoice("tutup", _l("Tutup (hari kerja ditiadakan)")),
            SelectChoice("buka", _l("Buka (hari kerja tambahan)")),
        ],
        validators=[InputRequired(_l("Pilih tutup atau buka."))],
    )
    reason = StringField(
        _l("Alasan"),
        validators=[InputRequired(_l("Isi alasan; alasan ditampilkan kepada pengguna.")), Length(max=200)],
    )
    announce = BooleanField(_l("Umumkan di beranda sampai tanggal itu"), default=True)


class AccountForm(PortalForm):
    """A new account created by an administrator (the password is generated and shown once)."""

    email = EmailField(_l("Alamat e-mail"), validators=[InputRequired(_l("Isi alamat e-mail.")), Length(max=254)])
    name = StringField(_l("Nama lengkap"), validators=[InputRequired(_l("Isi nama.")), Length(max=120)])
    role = SelectField(_l("Peran"), choices=[], validators=[InputRequired(_l("Pilih peran."))])
    units = SelectMultipleField(_l("Unit"), choices=[], validators=[Optional()])
    user_type = SelectField(_l("Jenis pengguna (hanya pengguna internal)"), choices=[], validators=[Optional()])


class ActiveForm(PortalForm):
    """Activate or deactivate an account (``active``), or reset its password (``user_id`` alone)."""

    user_id = HiddenField(validators=[InputRequired()])
    active = HiddenField()


class ResendForm(PortalForm):
    """Send a failing or failed outgoing message again ("kirim ulang")."""

    message_id = HiddenField(validators=[InputRequired()])


class FaqEditorForm(PortalForm):
    """Appoint an "editor FAQ": a staff member and one of their units."""

    user_id = SelectField(_l("Staf"), validators=[InputRequired(_l("Pilih staf."))])
    unit = SelectField(_l("Unit"), validators=[InputRequired(_l("Pilih unit."))])
