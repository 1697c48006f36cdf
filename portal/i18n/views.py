"""The header's language link: remember the choice in a cookie and go back to the page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from flask import abort, current_app, redirect, request, url_for
from werkzeug.wrappers import Response

from portal.core.i18n import COOKIE, LANGUAGES
from portal.core.paths import is_under

REMEMBERED = timedelta(days=365)
QUIET = "/siap"  # pages no log may name (SIAP): their switch stays under the same prefix


def back_to(target: str | None, within: str = "") -> str:
    """The page to return to: a path on this site (under ``within`` if given), else its start."""
    text = (target or "").strip()
    home = within or "/"
    if not text.startswith("/") or text.startswith(("//", "/\\")) or any(ord(c) < 32 for c in text):
        return home
    return text if not within or is_under(text.split("?", 1)[0], within) else home


def switch(kode: str) -> Response:
    """Remember ``kode`` as the visitor's language and return to ``?next=`` (a plain GET link).

    A GET because the switch must work as a link without JavaScript or a form; it changes only
    the visitor's own preference, so a forged link can do no more than that.
    """
    if kode not in LANGUAGES:
        abort(404)
    within = QUIET if is_under(request.path, QUIET) else ""
    response = redirect(back_to(request.args.get("next"), within), 303)
    response.set_cookie(
        COOKIE,
        kode,
        max_age=int(REMEMBERED.total_seconds()),
        samesite="Lax",
        httponly=True,
        secure=request.is_secure or current_app.config.get("PREFERRED_URL_SCHEME") == "https",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def switch_url(kode: str) -> str:
    """The header link to ``kode``: back to this very page, without a private link's token."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "t"]
    here = request.path + ("?" + urlencode(args) if args else "")
    endpoint = "i18n.switch_quiet" if is_under(request.path, QUIET) else "i18n.switch"
    return url_for(endpoint, kode=kode, next=here)
