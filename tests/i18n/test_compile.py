"""A fresh checkout serves both languages: the .mo files are compiled from the .po at start-up."""

from __future__ import annotations

import os
import shutil

from babel.messages.mofile import read_mo

from portal.i18n import service


def test_missing_catalogs_are_compiled_and_stale_ones_again(tmp_path):
    source = tmp_path / "translations"
    shutil.copytree(service.TRANSLATIONS, source, ignore=shutil.ignore_patterns("*.mo"))
    written = service.compile_catalogs(source)
    assert {p.relative_to(source).as_posix() for p in written} == {
        "en/LC_MESSAGES/messages.mo", "id/LC_MESSAGES/messages.mo",
        "en/LC_MESSAGES/wtforms.mo", "id/LC_MESSAGES/wtforms.mo",
    }
    with (source / "en/LC_MESSAGES/messages.mo").open("rb") as handle:
        assert read_mo(handle).get("Ajukan permintaan").string == "Submit a request"
    assert service.compile_catalogs(source) == []  # up to date: nothing written
    po = source / "en/LC_MESSAGES/messages.po"
    later = (source / "en/LC_MESSAGES/messages.mo").stat().st_mtime + 10
    os.utime(po, (later, later))  # a pulled .po newer than its .mo
    assert service.compile_catalogs(source) == [source / "en/LC_MESSAGES/messages.mo"]


def test_a_read_only_package_compiles_into_the_instance(tmp_path, monkeypatch, make_app):
    monkeypatch.setattr(service, "writable", lambda folder: False)
    app = make_app()
    compiled = app.config["BABEL_TRANSLATION_DIRECTORIES"]
    assert compiled == os.path.join(app.instance_path, "translations")
    assert os.path.exists(os.path.join(compiled, "en", "LC_MESSAGES", "messages.mo"))
    page = app.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "How can we help?" in page
