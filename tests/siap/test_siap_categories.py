"""SIAP complaint categories carry the catalog's own names (WBSM.01, E.11); stored keys keep working."""

from __future__ import annotations

from portal.siap.forms import CATEGORIES


def seed_names(app) -> list[str]:
    """WBSM.01's scope items as published, without the list's closing full stop."""
    return [item.rstrip(".") for item in app.extensions["catalog"].get("WBSM.01").items]


def test_form_choices_are_the_catalog_names(app):
    assert seed_names(app) == ["Pengaduan kode etik", "Pengaduan disiplin", "Pengaduan layanan"]
    with app.test_request_context():
        assert [str(c.label) for c in CATEGORIES] == seed_names(app)


def test_stored_keys_render_with_the_catalog_names(app):
    # Complaints already stored carry these keys inside their sealed report: they never change.
    assert [c.value for c in CATEGORIES] == ["kode_etik", "disiplin", "layanan"]
    with app.test_request_context():
        macro = app.jinja_env.get_template("siap/_macros.html").module.category_label
        assert [str(macro(c.value)).strip() for c in CATEGORIES] == seed_names(app)
