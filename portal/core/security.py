"""Security headers for every response (Flask-Talisman), the content security policy, private pages.

A feature marks a view, or a whole blueprint, with ``private`` (pages that show a ticket, a
thread, staff data or a form holding personal data: ``Cache-Control: no-store``) and
``no_referrer`` (pages whose address names something private: ``Referrer-Policy: no-referrer``).
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.core import logs
from portal.extensions import talisman

NO_STORE = "_portal_no_store"
NO_REFERRER = "_portal_no_referrer"
# Browsers say where a request comes from in Sec-Fetch-Site; an unsafe request from another site
# (or a sibling subdomain) is refused, whatever it carries.
FOREIGN_SITES = ("cross-site", "same-site")

# Everything is served from our own origin: no inline script or style, no third-party host.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def private(target):
    """Mark a view function or a blueprint: its responses are never stored by any cache."""
    setattr(target, NO_STORE, True)
    return target


def no_referrer(target):
    """Mark a view function or a blueprint: its pages send no Referer to the next request."""
    setattr(target, NO_REFERRER, True)
    return target


def _marked(marker: str) -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return False
    if getattr(view, marker, False):
        return True
    blueprint = current_app.blueprints.get(request.blueprint or "")
    return bool(getattr(blueprint, marker, False))


def private_headers(response):
    """Apply the ``private`` and ``no_referrer`` marks (runs after Talisman's headers)."""
    if _marked(NO_STORE):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("ETag", None)
    if _marked(NO_REFERRER):
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def refuse_foreign_sites():
    """Refuse an unsafe request that a browser says comes from another site.

    Stands in for Flask-WTF's Referer check on HTTPS (``WTF_CSRF_SSL_STRICT``, off): pages with
    ``no-referrer`` post their forms without a Referer, which that check would refuse.
    """
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.headers.get("Sec-Fetch-Site") in FOREIGN_SITES:
        abort(403)


def init_app(app: Flask) -> None:
    """Install the headers; HSTS and Secure cookies only when the site runs on HTTPS."""
    https = app.config.get("PREFERRED_URL_SCHEME") == "https"
    # Registered before Talisman's hook, so it runs after it (Flask runs them in reverse) and
    # its Referrer-Policy wins over Talisman's site-wide one.
    app.after_request(private_headers)
    app.before_request(refuse_foreign_sites)
    logs.install()  # no status-link token in the access log of Werkzeug or gunicorn
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops:
        # Werkzeug's ProxyFix trusts exactly ``hops`` proxies: per-client limits (sign-in, SIAP)
        # then count each client, not the proxy, and HTTPS is seen as such behind TLS offload.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    talisman.init_app(
        app,
        force_https=https,
        strict_transport_security=https,
        strict_transport_security_max_age=31536000,
        session_cookie_secure=https,
        session_cookie_http_only=True,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
