"""Every route of the application declares who may use it; undeclared routes are refused."""

from __future__ import annotations

from portal.core.access import level_of


def test_every_route_declares_an_access_level(app):
    levels = app.extensions["access_levels"]
    undeclared = [
        rule.endpoint for rule in app.url_map.iter_rules() if level_of(app, rule.endpoint) not in levels
    ]
    assert undeclared == []


def test_undeclared_route_is_refused(app):
    @app.get("/_test/lupa-deklarasi")
    def forgotten():
        return "rahasia"

    response = app.test_client().get("/_test/lupa-deklarasi")
    assert response.status_code == 404
    assert "rahasia" not in response.get_data(as_text=True)
