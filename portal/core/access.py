"""Every route declares who may use it; a route that declares nothing is refused.

A view is marked with ``@access(LEVEL)`` (or a whole blueprint with ``protect_blueprint``).
Each level has a checker registered by the feature that owns it: the checker returns None to
let the request through, or a response (a redirect to sign-in, a 404) to stop it. The
check runs before every request, so forgetting a decorator fails closed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, abort, current_app, request

PUBLIC = "public"
ATTRIBUTE = "_portal_access"

Checker = Callable[[], object | None]


def access(level: str):
    """Declare the access level of one view function."""

    def mark(view):
        setattr(view, ATTRIBUTE, level)
        return view

    return mark


def protect_blueprint(blueprint: Blueprint, level: str) -> None:
    """Declare one level for every view of a blueprint that declares none itself."""
    setattr(blueprint, ATTRIBUTE, level)


def register_level(app: Flask, level: str, checker: Checker) -> None:
    """Register the checker that decides requests for ``level``."""
    app.extensions.setdefault("access_levels", {})[level] = checker


def level_of(app: Flask, endpoint: str) -> str | None:
    """Return the declared level of an endpoint, or None."""
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    declared = getattr(view, ATTRIBUTE, None)
    if declared is None and "." in endpoint:
        blueprint = app.blueprints.get(endpoint.rsplit(".", 1)[0])
        declared = getattr(blueprint, ATTRIBUTE, None)
    return declared


def init_app(app: Flask) -> None:
    """Install the check that runs before every request."""
    register_level(app, PUBLIC, lambda: None)
    # Static files are public by nature.
    if "static" in app.view_functions:
        setattr(app.view_functions["static"], ATTRIBUTE, PUBLIC)

    @app.before_request
    def enforce_access():
        if request.endpoint is None:
            return None  # no route: the 404/405 handlers answer
        level = level_of(current_app, request.endpoint)
        checker = current_app.extensions["access_levels"].get(level) if level else None
        if checker is None:
            current_app.logger.error("route %s declares no access level; refused", request.endpoint)
            abort(404)
        return checker()
