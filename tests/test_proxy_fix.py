"""Behind a reverse proxy: the client's address is read from X-Forwarded-For only when configured.

Per-client limits (staff sign-in, SIAP receipts and filing) key on ``request.remote_addr``. Behind
a proxy that is the proxy's address, so every client would share one bucket; trusting the header
without a proxy would let anyone pick a fresh bucket per request.
"""

from __future__ import annotations

from flask import request

from portal.core.access import PUBLIC, access


def _echo_app(make_app, **config):
    app = make_app(**config)

    @access(PUBLIC)
    def whoami():
        return f"{request.remote_addr} {request.scheme}"

    app.add_url_rule("/_whoami", view_func=whoami)
    return app


def test_forwarded_headers_are_ignored_by_default(make_app):
    client = _echo_app(make_app).test_client()
    answer = client.get(
        "/_whoami",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert answer.get_data(as_text=True) == "10.0.0.2 http"


def test_one_trusted_proxy_gives_each_client_its_own_address(make_app):
    client = _echo_app(make_app, PROXY_FIX_X_FOR=1).test_client()
    answer = client.get(
        "/_whoami",
        # A client may send its own X-Forwarded-For: only the value the proxy appended counts.
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
        base_url="https://localhost",
    )
    assert answer.get_data(as_text=True) == "203.0.113.9 https"
