"""Public FAQ reads come from the database and follow edits on another process without a rebuild.

Two applications share one database, each with its own index folder (two nodes, in-process);
``tests/scale/test_faq_two_nodes.py`` does the same with two gunicorn servers.
"""

from __future__ import annotations

from portal.kb.index import APPLIED, current_build
from tests.faq.test_workflow import NEW, WORD, _client, _found, _public

OLD = "siapa-boleh-konsultasi-dukungan-fungsi-djpb"
SUCCESSOR = "cakupan-konsultasi-dukungan-penyelenggaraan-fungsi-djpb"


def _node(make_app, faq_app, kb_copy, folder, **extra):
    return make_app(KB_PATH=str(kb_copy), KB_INDEX_PATH=str(folder), FAQ_FOLLOW_SECONDS=0,
                    SQLALCHEMY_DATABASE_URI=faq_app.config["SQLALCHEMY_DATABASE_URI"],
                    SQLALCHEMY_BINDS=faq_app.config["SQLALCHEMY_BINDS"], **extra)  # fmt: skip


def _publish(app, data=NEW, new=True, people=None):
    writer, lead = people or (_client(app, "penulis@kemenkeu.go.id"),
                              _client(app, "ketua.sekretariat@kemenkeu.go.id", role="ketua"))  # fmt: skip
    assert writer.post("/staf/faq/baru" if new else f"/staf/faq/{data['slug']}", data=data).status_code == 303
    writer.post(f"/staf/faq/{data['slug']}/ajukan")
    assert lead.post(f"/staf/faq/{data['slug']}/terbitkan").status_code == 303
    return writer, lead


def test_a_publish_on_one_node_is_searchable_on_the_other_without_a_rebuild(faq_app, make_app, kb_copy, tmp_path):
    other = _node(make_app, faq_app, kb_copy, tmp_path / "index-b")
    assert _public(other, f"/faq/BCSM.01/{OLD}").status_code == 200  # first request: loaded from the database
    root = tmp_path / "index-b"
    build = current_build(root)
    first = list(other.extensions["faq_follower"].log)
    # The baseline build already held the imported articles: the first pass replaced none of them.
    assert first and all(updated == 0 for _counter, updated, _deleted in first)
    writer = _client(faq_app, "penulis@kemenkeu.go.id")
    writer.post("/staf/faq/baru", data=NEW)
    writer.post("/staf/faq/cara-uji-alur-faq/ajukan")
    assert not _found(other) and _public(other).status_code == 404  # a draft in review: nowhere
    _publish_existing(faq_app)
    assert _found(other) and WORD in _public(other).get_data(as_text=True)
    # Incremental: the same build folder, brought up to the new counter by replacing one document.
    applied = (build / APPLIED).read_text().split()[1]
    assert current_build(root) == build and applied == str(other.extensions["faq_follower"].applied)
    assert other.extensions["faq_follower"].log[-1][1:] == (1, 0)


def _publish_existing(app):
    lead = _client(app, "ketua.sekretariat@kemenkeu.go.id", role="ketua")
    assert lead.post("/staf/faq/cara-uji-alur-faq/terbitkan").status_code == 303


def test_an_archived_article_leaves_the_other_nodes_index_and_redirects(faq_app, make_app, kb_copy, tmp_path):
    other = _node(make_app, faq_app, kb_copy, tmp_path / "index-b")
    title_word = "siapa"
    assert OLD in other.test_client().get(f"/cari?q={title_word}+boleh+konsultasi").get_data(as_text=True)
    lead = _client(faq_app, "ketua.sekretariat@kemenkeu.go.id", role="ketua")
    assert lead.post(f"/staf/faq/{OLD}/arsipkan", data={"successor": SUCCESSOR}).status_code == 303
    response = _public(other, f"/faq/BCSM.01/{OLD}")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/faq/BCSM.01/{SUCCESSOR}")
    assert OLD not in other.test_client().get(f"/cari?q={title_word}+boleh+konsultasi").get_data(as_text=True)
    assert other.extensions["faq_follower"].log[-1][1:] == (0, 1)


def test_the_cached_article_page_is_invalidated_on_every_node_when_republished(faq_app, make_app, kb_copy, tmp_path):
    other = _node(make_app, faq_app, kb_copy, tmp_path / "index-b", PAGE_CACHE=True)
    people = _publish(faq_app)
    assert WORD in _public(other).get_data(as_text=True)  # now in node B's page cache
    edited = {**NEW, "body": "Isi baru tentang kudanilungu.\n", "note": "kedua"}
    _publish(faq_app, edited, new=False, people=people)
    page = _public(other).get_data(as_text=True)
    assert "kudanilungu" in page and WORD not in page
    assert _found(other, "kudanilungu") and not _found(other, WORD)


def test_synonyms_are_searchable(faq_app):
    _publish(faq_app, {**NEW, "synonyms": "gajahbiru"})  # a word only the synonyms hold
    assert _found(faq_app, "gajahbiru")
    assert "gajahbiru" not in _public(faq_app).get_data(as_text=True)  # searchable, not shown


def test_an_index_brought_up_to_another_database_is_compared_afresh(faq_app, make_app, kb_copy, tmp_path):
    other = _node(make_app, faq_app, kb_copy, tmp_path / "index-b")
    _publish(faq_app)
    assert _found(other)  # node B's index now holds the article, up to faq_app's counter
    # Another database (a restored backup, a copied index folder) on that index: its counter may be
    # lower or equal, yet the article it never had must not be found.
    fresh = make_app(KB_PATH=str(kb_copy), KB_INDEX_PATH=str(tmp_path / "index-b"), FAQ_FOLLOW_SECONDS=0)
    assert _public(fresh).status_code == 404 and not _found(fresh)
