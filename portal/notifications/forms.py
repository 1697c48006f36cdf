"""The two forms of the "Pemberitahuan" page: mark all read, and the mode per kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SubmitField

from portal.core.forms import PortalForm
from portal.notifications.models import MODE_DIGEST, MODE_NOW

MODES = [
    SelectChoice(MODE_NOW, _l("Segera (surel per pemberitahuan)")),
    SelectChoice(MODE_DIGEST, _l("Ringkasan harian pukul 08.00 WIB, hari kerja")),
]


class ReadForm(PortalForm):
    """Mark every notification read."""

    submit = SubmitField(_l("Tandai semua sudah dibaca"))


class PreferenceForm(PortalForm):
    """How each kind reaches the member by e-mail (the in-app list shows them all anyway)."""

    tiket_baru = RadioField(_l("Tiket baru di antrian unit saya"), choices=MODES, default=MODE_DIGEST)
    balasan = RadioField(_l("Balasan pengguna pada tiket saya"), choices=MODES, default=MODE_DIGEST)
    ditugaskan = RadioField(_l("Tiket ditugaskan atau dipindahkan kepada saya"), choices=MODES, default=MODE_DIGEST)
    submit = SubmitField(_l("Simpan pilihan"))
