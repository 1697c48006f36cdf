"""The FAQ workflow through the back office: draft → review → publish, revisions, archive, rights."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.conftest import add_staff

UNIT = "Sekretariat DJPb"  # owns BCSM.01
WORD = "zebrakuning"  # a word no shipped article contains
NEW = {
    "slug": "cara-uji-alur-faq",
    "title": "Cara uji alur FAQ",
    "codes": "BCSM.01",
    "tags": "uji, alur",
    "synonyms": "percobaan",
    "related": "",
    "body": f"Jawaban lengkap tentang {WORD}.\n",
    "note": "tulisan pertama",
    "save": "1",
}


def _client(app, email, role="agen", units=(UNIT,)):
    add_staff(app, email=email, role=role, units=units)
    client = app.test_client()
    assert client.post("/staf/masuk", data={"email": email, "password": "kata-sandi-rahasia-1"}).status_code == 303
    return client


def _public(app, path="/faq/BCSM.01/cara-uji-alur-faq"):
    return app.test_client().get(path)


def _found(app, word=WORD) -> bool:
    page = app.test_client().get(f"/cari?q={word}").get_data(as_text=True)
    api = app.test_client().get(f"/api/v1/search?q={word}").get_data(as_text=True)
    return "cara-uji-alur-faq" in page or "cara-uji-alur-faq" in api


def _audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_draft_review_publish_by_a_second_person(faq_app):
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    lead = _client(faq_app, "ketua.sekretariat@kemenkeu.go.id", role="ketua")
    assert writer.post("/staf/faq/baru", data=NEW).status_code == 303
    # A draft never reaches the public page, the search page or the search API.
    assert _public(faq_app).status_code == 404 and not _found(faq_app)
    writer.post("/staf/faq/cara-uji-alur-faq/ajukan")
    assert _public(faq_app).status_code == 404 and not _found(faq_app)
    # The writer cannot publish their own work (an agent, and the author).
    page = writer.post("/staf/faq/cara-uji-alur-faq/terbitkan", follow_redirects=True).get_data(as_text=True)
    assert "orang kedua" in page and _public(faq_app).status_code == 404
    # So the writer's page offers no "Terbitkan" that would refuse them; the lead's does.
    mine = writer.get("/staf/faq/cara-uji-alur-faq").get_data(as_text=True)
    assert "data-awaiting-publisher" in mine and "/terbitkan" not in mine
    theirs = lead.get("/staf/faq/cara-uji-alur-faq").get_data(as_text=True)
    assert "/staf/faq/cara-uji-alur-faq/terbitkan" in theirs and "data-awaiting-publisher" not in theirs
    assert lead.post("/staf/faq/cara-uji-alur-faq/terbitkan").status_code == 303
    assert WORD in _public(faq_app).get_data(as_text=True) and _found(faq_app)
    [entry] = _audit(faq_app, "faq.publish")
    assert entry.object_id == "cara-uji-alur-faq" and entry.actor_id is not None
    listing = lead.get("/staf/faq/").get_data(as_text=True)
    assert "Cara uji alur FAQ" in listing and "Terbit" in listing


def test_a_new_draft_of_a_published_article_keeps_the_public_version(faq_app):
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    lead = _client(faq_app, "ketua.sekretariat@kemenkeu.go.id", role="ketua")
    writer.post("/staf/faq/baru", data=NEW)
    writer.post("/staf/faq/cara-uji-alur-faq/ajukan")
    lead.post("/staf/faq/cara-uji-alur-faq/terbitkan")
    edited = {**NEW, "body": "Isi baru dengan kata kudanil.\n", "note": "kedua"}
    writer.post("/staf/faq/cara-uji-alur-faq", data=edited)
    public = _public(faq_app).get_data(as_text=True)
    assert WORD in public and "kudanil" not in public and not _found(faq_app, "kudanil")


def test_revisions_diff_and_restore(faq_app):
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    writer.post("/staf/faq/baru", data=NEW)
    writer.post("/staf/faq/cara-uji-alur-faq", data={**NEW, "body": "Isi kedua.\n", "note": "ganti isi"})
    diff = writer.get("/staf/faq/cara-uji-alur-faq/beda?dari=1&ke=2").get_data(as_text=True)
    assert f"<del>-Jawaban lengkap tentang {WORD}.</del>" in diff and "<ins>+Isi kedua.</ins>" in diff
    assert writer.get("/staf/faq/cara-uji-alur-faq/beda?dari=1&ke=9").status_code == 404
    assert writer.get("/staf/faq/cara-uji-alur-faq/beda?dari=x&ke=2").status_code == 404
    writer.post("/staf/faq/cara-uji-alur-faq/revisi/1/pulihkan")
    page = writer.get("/staf/faq/cara-uji-alur-faq").get_data(as_text=True)
    assert 'data-revision="3"' in page and "Dipulihkan dari revisi 1" in page and WORD in page
    assert 'data-status="draft"' in page
    [entry] = _audit(faq_app, "faq.restore")
    assert entry.after == {"dari_revisi": 1, "revisi_baru": 3}


def test_preview_is_sanitised_and_saves_nothing(faq_app):
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    data = {**NEW, "body": "## Judul\n\n<script>alert(1)</script>\n\n**tebal**", "preview": "1"}
    del data["save"]
    page = writer.post("/staf/faq/baru", data=data).get_data(as_text=True)
    assert "<strong>tebal</strong>" in page and "<script>alert(1)</script>" not in page
    assert writer.get("/staf/faq/cara-uji-alur-faq").status_code == 404  # nothing saved


def test_only_staff_of_the_owning_unit_edit(faq_app):
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    writer.post("/staf/faq/baru", data=NEW)
    other = _client(faq_app, "sitp@kemenkeu.go.id", role="ketua", units=("Direktorat SITP",))
    assert other.get("/staf/faq/cara-uji-alur-faq").status_code == 404
    assert other.post("/staf/faq/cara-uji-alur-faq", data={**NEW, "note": "x"}).status_code == 404
    assert other.post("/staf/faq/cara-uji-alur-faq/terbitkan").status_code == 404
    # Nor can they file a new article under a code their unit does not own.
    page = other.post("/staf/faq/baru", data={**NEW, "slug": "milik-orang-lain"}, follow_redirects=True)
    assert "bukan milik unit Anda" in page.get_data(as_text=True)
    assert "Cara uji alur FAQ" not in other.get("/staf/faq/").get_data(as_text=True)
    # Unknown codes and related articles are refused before they could break the public page.
    for bad, message in (
        ({"codes": "BCSM.01, XXXX.99"}, "tidak ada di katalog"),
        ({"related": "tidak-ada"}, "tidak ada"),
    ):
        page = writer.post("/staf/faq/baru", data={**NEW, "slug": "lain", **bad}, follow_redirects=True)
        assert message in page.get_data(as_text=True)
    assert writer.get("/staf/faq/lain").status_code == 404
    assert faq_app.test_client().get("/staf/faq/").status_code in (302, 303)  # anonymous: sign in first


def test_archive_redirects_to_the_successor(faq_app):
    lead = _client(faq_app, "ketua.sekretariat@kemenkeu.go.id", role="ketua")
    old = "siapa-boleh-konsultasi-dukungan-fungsi-djpb"
    successor = "cakupan-konsultasi-dukungan-penyelenggaraan-fungsi-djpb"
    assert _public(faq_app, f"/faq/BCSM.01/{old}").status_code == 200
    lead.post(f"/staf/faq/{old}/arsipkan", data={"successor": old})  # itself: refused
    assert _public(faq_app, f"/faq/BCSM.01/{old}").status_code == 200
    assert lead.post(f"/staf/faq/{old}/arsipkan", data={"successor": successor}).status_code == 303
    response = _public(faq_app, f"/faq/BCSM.01/{old}")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/faq/BCSM.01/{successor}")
    [entry] = _audit(faq_app, "faq.archive")
    assert entry.after == {"status": "archived", "pengganti": successor}


def test_a_one_member_unit_publishes_its_own_only_when_allowed(make_app, kb_copy, tmp_path):
    for allowed in (True, False):
        app = make_app(KB_PATH=str(kb_copy), KB_INDEX_PATH=str(tmp_path / f"i{allowed}"),
                       FAQ_SINGLE_MEMBER_PUBLISH=allowed)  # fmt: skip
        alone = _client(app, "sendiri@kemenkeu.go.id", role="ketua", units=("PIP",))
        data = {**NEW, "codes": _code_of(app, "PIP"), "slug": f"sendiri-{allowed}".lower()}
        alone.post("/staf/faq/baru", data=data)
        alone.post(f"/staf/faq/sendiri-{str(allowed).lower()}/ajukan")
        alone.post(f"/staf/faq/sendiri-{str(allowed).lower()}/terbitkan")
        assert bool(_audit(app, "faq.publish")) is allowed


def _code_of(app, unit):
    from portal.faq.service import owner_unit

    catalog = app.extensions["catalog"]
    return next(code for code in catalog.nodes if owner_unit(catalog, code) == unit)


def test_forms_need_their_csrf_token(make_app, kb_copy, tmp_path):
    app = make_app(KB_PATH=str(kb_copy), KB_INDEX_PATH=str(tmp_path / "i"), WTF_CSRF_ENABLED=True)
    writer = _client_csrf(app)
    assert writer.post("/staf/faq/baru", data=NEW).status_code in (200, 400)
    with app.app_context():
        from portal.faq.models import FaqArticle

        assert db.session.scalar(select(FaqArticle).where(FaqArticle.slug == NEW["slug"])) is None
    slug = "cakupan-konsultasi-dukungan-penyelenggaraan-fungsi-djpb"
    assert writer.post(f"/staf/faq/{slug}/arsipkan", data={"successor": "x"}).status_code in (303, 400)
    assert not _audit(app, "faq.archive")


def _client_csrf(app):
    import re

    add_staff(app, email="ketua.sekretariat@kemenkeu.go.id", role="ketua", units=(UNIT,))
    client = app.test_client()
    page = client.get("/staf/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    data = {"email": "ketua.sekretariat@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"}
    client.post("/staf/masuk", data={**data, "csrf_token": token.group(1) if token else ""})
    return client


def test_another_worker_of_the_node_follows_a_publish(faq_app, make_app, kb_copy, tmp_path):
    # A second worker of the same node: the same database and the same index folder.
    other = make_app(KB_PATH=str(kb_copy), KB_INDEX_PATH=str(tmp_path / "index"), FAQ_FOLLOW_SECONDS=0,
                     SQLALCHEMY_DATABASE_URI=faq_app.config["SQLALCHEMY_DATABASE_URI"],
                     SQLALCHEMY_BINDS=faq_app.config["SQLALCHEMY_BINDS"])  # fmt: skip
    assert _public(other).status_code == 404
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    lead = _client(faq_app, "ketua.sekretariat@kemenkeu.go.id", role="ketua")
    writer.post("/staf/faq/baru", data=NEW)
    writer.post("/staf/faq/cara-uji-alur-faq/ajukan")
    lead.post("/staf/faq/cara-uji-alur-faq/terbitkan")
    assert WORD in _public(other).get_data(as_text=True) and _found(other)


def test_a_new_article_without_an_address_gets_one_from_its_title(faq_app):
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    first = writer.post("/staf/faq/baru", data={**NEW, "slug": "", "title": "Akun SAKTI terkunci (lagi)?"})
    assert first.status_code == 303 and first.headers["Location"].endswith("/staf/faq/akun-sakti-terkunci-lagi")
    second = writer.post("/staf/faq/baru", data={**NEW, "slug": "", "title": "Akun SAKTI terkunci, lagi"})
    assert second.headers["Location"].endswith("/staf/faq/akun-sakti-terkunci-lagi-2")  # never someone else's

