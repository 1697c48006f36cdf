"""The "editor FAQ" role (#16 item 7): administrators appoint it per unit; editors publish and archive."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.auth.models import User
from portal.extensions import db
from portal.faq.authoring_models import FaqEditor
from tests.faq.test_workflow import NEW, UNIT, _client, _public

PAGE = "/staf/admin/editor-faq"


def _id(app, email) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.email == email)).one()


def _audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _appoint(admin, app, email, unit=UNIT):
    return admin.post(PAGE, data={"ed-user_id": str(_id(app, email)), "ed-unit": unit})


def _in_review(writer):
    assert writer.post("/staf/faq/baru", data=NEW).status_code == 303
    writer.post("/staf/faq/cara-uji-alur-faq/ajukan")


def test_only_administrators_open_and_use_the_page(faq_app):
    lead = _client(faq_app, "ketua.sekretariat@kemenkeu.go.id", role="ketua")
    _client(faq_app, "agen2@kemenkeu.go.id")
    assert lead.get(PAGE).status_code == 404
    assert _appoint(lead, faq_app, "agen2@kemenkeu.go.id").status_code == 404
    with faq_app.app_context():
        assert db.session.scalars(select(FaqEditor)).all() == []


def test_an_appointed_editor_publishes_and_archives_and_every_step_is_audited(faq_app):
    admin = _client(faq_app, "admin@kemenkeu.go.id", role="admin")
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    editor = _client(faq_app, "editor@kemenkeu.go.id")  # an agent: no lead
    _in_review(writer)
    refused = editor.post("/staf/faq/cara-uji-alur-faq/terbitkan", follow_redirects=True).get_data(as_text=True)
    assert "orang kedua" in refused and _public(faq_app).status_code == 404
    assert _appoint(admin, faq_app, "editor@kemenkeu.go.id").status_code == 303
    listing = admin.get(PAGE).get_data(as_text=True)
    assert 'data-editor="editor@kemenkeu.go.id"' in listing
    [appointed] = _audit(faq_app, "faq.editor.appoint")
    assert appointed.actor_id == _id(faq_app, "admin@kemenkeu.go.id") and appointed.after["unit"] == UNIT
    assert editor.post("/staf/faq/cara-uji-alur-faq/terbitkan").status_code == 303
    assert _public(faq_app).status_code == 200
    [published] = _audit(faq_app, "faq.publish")
    assert published.actor_id == _id(faq_app, "editor@kemenkeu.go.id")
    # Archiving needs a published successor; the editor may archive too.
    writer.post("/staf/faq/baru", data={**NEW, "slug": "pengganti", "title": "Pengganti"})
    writer.post("/staf/faq/pengganti/ajukan")
    editor.post("/staf/faq/pengganti/terbitkan")
    assert editor.post("/staf/faq/cara-uji-alur-faq/arsipkan", data={"successor": "pengganti"}).status_code == 303
    [archived] = _audit(faq_app, "faq.archive")
    assert archived.actor_id == _id(faq_app, "editor@kemenkeu.go.id")


def test_an_editor_does_not_publish_their_own_writing(faq_app):
    admin = _client(faq_app, "admin@kemenkeu.go.id", role="admin")
    editor = _client(faq_app, "editor@kemenkeu.go.id")
    _client(faq_app, "rekan@kemenkeu.go.id")  # a second member: the one-member rule does not apply
    _appoint(admin, faq_app, "editor@kemenkeu.go.id")
    _in_review(editor)
    page = editor.post("/staf/faq/cara-uji-alur-faq/terbitkan", follow_redirects=True).get_data(as_text=True)
    assert "orang kedua" in page and _public(faq_app).status_code == 404


def test_an_editor_of_another_unit_neither_edits_nor_publishes(faq_app):
    admin = _client(faq_app, "admin@kemenkeu.go.id", role="admin")
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    outsider = _client(faq_app, "sitp@kemenkeu.go.id", units=("Direktorat SITP",))
    _appoint(admin, faq_app, "sitp@kemenkeu.go.id", unit="Direktorat SITP")
    _in_review(writer)
    assert outsider.get("/staf/faq/cara-uji-alur-faq").status_code == 404
    assert outsider.post("/staf/faq/cara-uji-alur-faq", data={**NEW, "note": "x"}).status_code == 404
    assert outsider.post("/staf/faq/cara-uji-alur-faq/terbitkan").status_code == 404
    assert _public(faq_app).status_code == 404 and not _audit(faq_app, "faq.publish")


def test_only_a_member_of_the_unit_is_appointed(faq_app):
    admin = _client(faq_app, "admin@kemenkeu.go.id", role="admin")
    _client(faq_app, "sitp@kemenkeu.go.id", units=("Direktorat SITP",))
    page = _appoint(admin, faq_app, "sitp@kemenkeu.go.id", unit=UNIT)
    assert page.status_code == 422 and "harus staf aktif" in page.get_data(as_text=True)
    with faq_app.app_context():
        assert db.session.scalars(select(FaqEditor)).all() == []
    assert not _audit(faq_app, "faq.editor.appoint")


def test_a_dismissed_editor_no_longer_publishes(faq_app):
    admin = _client(faq_app, "admin@kemenkeu.go.id", role="admin")
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    editor = _client(faq_app, "editor@kemenkeu.go.id")
    _appoint(admin, faq_app, "editor@kemenkeu.go.id")
    _appoint(admin, faq_app, "editor@kemenkeu.go.id")  # twice: still one appointment
    with faq_app.app_context():
        [row] = db.session.scalars(select(FaqEditor)).all()
    assert len(_audit(faq_app, "faq.editor.appoint")) == 1
    assert admin.post(f"{PAGE}/cabut", data={"user_id": str(row.id)}).status_code == 303
    [dismissed] = _audit(faq_app, "faq.editor.dismiss")
    assert dismissed.actor_id == _id(faq_app, "admin@kemenkeu.go.id")
    _in_review(writer)
    page = editor.post("/staf/faq/cara-uji-alur-faq/terbitkan", follow_redirects=True).get_data(as_text=True)
    assert "orang kedua" in page and _public(faq_app).status_code == 404
