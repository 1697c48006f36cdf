"""Error pages in Indonesian, inside the layout, for HTML and JSON clients alike."""

from __future__ import annotations

import traceback

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.core.paths import is_under

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
    app.extensions.setdefault("quiet_error_prefixes", {})
    from portal.core import request_body

    # A body the client framed badly (chunk sizes) or nested absurdly (JSON) is a 400, not a 500.
    request_body.init_app(app)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)


def register_quiet_prefix(app: Flask, prefix: str, label: str) -> None:
    """Log unexpected errors under ``prefix`` (and the path itself) without path or message.

    For features whose URLs or exception messages may quote what a visitor must not leave in
    logs (SIAP's anonymous complaints): the exception type and code frames find the bug.
    ``label`` names the feature in the log line instead.
    """
    app.extensions.setdefault("quiet_error_prefixes", {})[prefix.rstrip("/")] = label


def _quiet_label(path: str) -> str | None:
    from flask import current_app

    prefixes: dict[str, str] = current_app.extensions.get("quiet_error_prefixes", {})
    for prefix, label in prefixes.items():
        if is_under(path, prefix):  # as routed: //siap, /%2Fsiap, /SIAP/ count too
            return label
    return None


def register_json_prefix(app: Flask, prefix: str) -> None:
    """Answer errors under ``prefix`` (a feature's JSON API) in JSON instead of an HTML page."""
    app.extensions.setdefault("json_error_prefixes", []).append(prefix.rstrip("/") + "/")


def _wants_json() -> bool:
    from flask import current_app

    prefixes: list[str] = current_app.extensions.get("json_error_prefixes", [])
    return any(request.path.startswith(prefix) for prefix in prefixes)


def handle_http_error(error: HTTPException) -> tuple[Response | str, int, dict[str, str]]:
    """Render an HTTP error in Indonesian (JSON under the prefixes registered for it)."""
    code = error.code or 500
    title, text = MESSAGES.get(code, (error.name, error.description or ""))
    title, text = str(title), str(text)
    response: Response | str
    if _wants_json():
        response = jsonify(error=title, message=text, status=code)
    else:
        response = render_template("errors/error.html", code=code, title=title, text=text)
    headers = dict(error.get_headers()) if code == 405 else {}
    if code == 405:
        headers.pop("Content-Type", None)
    return response, code, headers


def handle_unexpected(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    """Log the exception and answer with the 500 page, never a traceback."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    from flask import current_app

    label = _quiet_label(request.path)
    if label is not None:
        # No path, no message (it may quote a complaint); the exception type and the code
        # frames are enough to find the bug.
        frames = "".join(traceback.format_tb(error.__traceback__))
        current_app.logger.error("Unhandled %s on a %s route\n%s", type(error).__name__, label, frames)
    else:
        current_app.logger.exception("Unhandled exception on %s", request.path)
    return handle_http_error(InternalServerError())
