"""Error pages in Indonesian, inside the layout, for HTML and JSON clients alike."""

from __future__ import annotations

import traceback

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("Permintaan tidak valid"), _l("Permintaan Anda tidak dapat diproses. Periksa kembali isian Anda.")),
    401: (_l("Tidak sah"), _l("Anda perlu masuk atau menyertakan kredensial yang berlaku.")),
    403: (_l("Akses ditolak"), _l("Anda tidak memiliki akses ke halaman ini.")),
    404: (_l("Halaman tidak ditemukan"), _l("Halaman yang Anda cari tidak ada atau sudah dipindahkan.")),
    405: (_l("Metode tidak diizinkan"), _l("Alamat ini tidak menerima cara akses tersebut.")),
    413: (_l("Berkas terlalu besar"), _l("Data atau berkas yang dikirim melebihi batas ukuran yang diizinkan.")),
    429: (
        _l("Terlalu banyak permintaan"),
        _l("Anda mengirim terlalu banyak permintaan. Coba lagi beberapa saat lagi."),
    ),
    500: (_l("Terjadi kesalahan"), _l("Terjadi kesalahan pada sistem kami. Silakan coba lagi nanti.")),
}


def init_app(app: Flask) -> None:
    """Register one handler for every HTTP error and for unexpected exceptions."""
    from portal.core import request_body

    # A body the client framed badly (chunk sizes) or nested absurdly (JSON) is a 400, not a 500.
    request_body.init_app(app)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException):
    """Render an HTTP error in Indonesian (JSON under /api/)."""
    code = error.code or 500
    title, text = MESSAGES.get(code, (error.name, error.description or ""))
    title, text = str(title), str(text)
    if _wants_json():
        response = jsonify(error=title, message=text, status=code)
    else:
        response = render_template("errors/error.html", code=code, title=title, text=text)
    headers = dict(error.get_headers()) if code == 405 else {}
    if code == 405:
        headers.pop("Content-Type", None)
    return response, code, headers


def handle_unexpected(error: Exception):
    """Log the exception and answer with the 500 page, never a traceback."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    from flask import current_app

    if request.path == "/siap" or request.path.startswith("/siap/"):
        # SIAP (anonymous complaints): no path, no message (it may quote a complaint);
        # the exception type and the code frames are enough to find the bug.
        frames = "".join(traceback.format_tb(error.__traceback__))
        current_app.logger.error("Unhandled %s on a SIAP route\n%s", type(error).__name__, frames)
    else:
        current_app.logger.exception("Unhandled exception on %s", request.path)
    return handle_http_error(InternalServerError())
