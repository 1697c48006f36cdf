"""SIAP paths in every spelling: normalisation, the log filter, and error logging use one rule."""

from __future__ import annotations

import logging
import secrets

import pytest

from portal.core.paths import normalise
from portal.siap import privacy
from tests.siap.test_siap_access_log import VARIANTS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("//siap/lapor", "/siap/lapor"),
        ("/./siap/masuk", "/siap/masuk"),
        ("/%2Fsiap/lapor", "/siap/lapor"),
        ("/%252Fsiap/lapor", "/siap/lapor"),
        ("/SIAP/lapor/", "/siap/lapor"),
        ("/a/../siap?x=/y", "/siap"),
        ("http://host:80/SIAP/masuk?q=1", "/siap/masuk"),
        ("/siap;x=1/lapor", "/siap/lapor"),
        ("\\siap\\lapor", "/siap/lapor"),
        ("/siapa", "/siapa"),
    ],
)
def test_paths_are_normalised_as_the_router_would_take_them(raw, expected):
    assert normalise(raw) == expected


def test_log_filter_drops_every_spelling_and_keeps_other_routes():
    dropped = privacy.DropSiapRecords()

    def record(message, *args):
        return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, message, args or None, None)

    for target in VARIANTS:
        line = record('127.0.0.1 - - [06/Dec/2026 10:00:00] "%s" %s %s', f"GET {target} HTTP/1.1", "200", "-")
        assert not dropped.filter(line), target
        atoms = {"h": "127.0.0.1", "r": f"GET {target} HTTP/1.1", "U": "/"}
        assert not dropped.filter(record('%(h)s "%(r)s"', atoms)), target
    for target in ("/layanan", "/siapa/x", "/faq/siap-lapor", "/cari?q=siap"):
        assert dropped.filter(record('"%s" %s %s', f"GET {target} HTTP/1.1", "200", "-")), target



@pytest.mark.parametrize("path", ["/SIAP/lapor/", "/siap%2Flapor", "/Siap/tidak-ada"])
def test_an_unexpected_error_on_any_spelling_is_logged_the_siap_way(app, caplog, path):
    # E.g. a failure while rendering the 404 page of /SIAP/lapor/: no path, no message.
    from portal.core import errors

    marker = f"RAHASIA{secrets.token_hex(4)}"
    caplog.set_level(logging.DEBUG)
    with app.test_request_context(path):
        try:
            raise RuntimeError(f"isi pengaduan {marker}")
        except RuntimeError as exc:
            response, code, _headers = errors.handle_unexpected(exc)
    assert code == 500
    assert "Unhandled RuntimeError on a SIAP route" in caplog.text
    assert marker not in caplog.text and "lapor" not in caplog.text and "tidak-ada" not in caplog.text
