"""Security headers for every response (Flask-Talisman) and the content security policy."""

from __future__ import annotations

from flask import Flask

from portal.extensions import talisman

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


def init_app(app: Flask) -> None:
    """Install the headers; HSTS and Secure cookies only when the site runs on HTTPS."""
    https = app.config.get("PREFERRED_URL_SCHEME") == "https"
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
