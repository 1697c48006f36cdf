"""Forms answer in Indonesian, WTForms' own messages included (it ships no Indonesian catalog)."""

from __future__ import annotations

import re

import pytest
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import Length

from portal.core.forms import PortalForm

# WTForms' English messages, as they would show on a page.
ENGLISH = re.compile(r"Not a valid|This field is|Invalid (choice|Choice|input|email)|Field (must|cannot)|not a valid")


def every_form_class() -> set[type]:
    """Every form class defined in the portal's packages (imported by the app factory)."""
    found, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("portal."):
                found.add(sub)
    return found


def test_every_form_derives_from_the_portal_form(app):
    forms = every_form_class()
    assert len(forms) >= 20
    assert [f.__qualname__ for f in forms if not issubclass(f, PortalForm)] == []


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/permintaan/BCSM.02.01/pembuatan-tiket", {"pengguna": "99", "nama": "Budi", "kirim": "kirim"}),
        ("/siap/lapor", {"kategori": "bukan-kategori", "peristiwa": "x", "uraian": "y"}),
    ],
)
def test_a_refused_choice_is_explained_in_indonesian(client, runner, url, data):
    # The SIAP form is only shown once the Secretariat's unit key exists (#17): the demo seed
    # runs the real key ceremony, as on a fresh install after the README's quick start.
    if url.startswith("/siap"):
        assert runner.invoke(args=["demo", "seed", "--tickets", "0"]).exit_code == 0
    page = client.post(url, data=data).get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Pilihan tidak tersedia." in text
    assert not ENGLISH.search(text), ENGLISH.search(text).group(0)


def test_messages_with_a_count_and_placeholders(app):
    class Probe(PortalForm):
        units = SelectMultipleField(choices=[SelectChoice("PIP", "PIP")])
        code = StringField(validators=[Length(max=3)])

    with app.test_request_context(method="POST", data={"units": ["PIP", "Khayalan"], "code": "ABCDE"}):
        form = Probe(meta={"csrf": False})
        assert not form.validate()
        assert form.units.errors == ["'Khayalan' bukan pilihan yang tersedia."]
        assert form.code.errors == ["Isian paling banyak 3 karakter."]
