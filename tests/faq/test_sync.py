"""kb/ to the database and back: first-start import, idempotent re-import, conflicts, export."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.faq import service, sync
from portal.faq.models import PUBLISHED, FaqArticle, FaqRevision
from portal.kb.loader import load_knowledge_base
from tests.conftest import add_staff

SLUG = "cakupan-konsultasi-dukungan-penyelenggaraan-fungsi-djpb"


def _article(slug=SLUG) -> FaqArticle:
    return db.session.scalar(select(FaqArticle).where(FaqArticle.slug == slug))


def test_first_start_imports_the_shipped_articles_as_published(faq_app, kb_copy):
    with faq_app.app_context():
        count = db.session.scalar(select(func.count(FaqArticle.id)).where(FaqArticle.status == PUBLISHED))
        assert count == len(list(kb_copy.glob("*/*.md"))) == len(faq_app.extensions["kb"].articles)
        article = _article()
        assert article.code == "BCSM.01" and article.published_revision == 1
        assert article.body == faq_app.extensions["kb"].by_slug[SLUG].body


def test_import_is_idempotent(faq_app):
    result = faq_app.test_cli_runner().invoke(args=["kb", "import"])
    assert result.exit_code == 0, result.output
    assert "0 baru, 0 diperbarui, 98 tetap, 0 konflik" in result.output
    with faq_app.app_context():
        assert db.session.scalar(select(func.count(FaqRevision.id))) == 98


def test_import_takes_a_changed_file_unless_edited_in_back_office(faq_app, kb_copy):
    path = kb_copy / "BCSM.01" / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nKalimat baru dari git.\n", encoding="utf-8")
    result = faq_app.test_cli_runner().invoke(args=["kb", "import"])
    assert "0 baru, 1 diperbarui" in result.output
    with faq_app.app_context():
        assert "Kalimat baru dari git." in _article().body
        assert _article().published_revision == 2
    # Now a unit edits it in the back office; a later change in git is a conflict, not an overwrite.
    uid = add_staff(faq_app, email="sekretariat@kemenkeu.go.id", units=("Sekretariat DJPb",))
    with faq_app.app_context():
        from portal.auth.service import account

        article = _article()
        draft = service.Draft(
            title=article.title,
            codes=article.codes,
            tags=article.tags,
            synonyms=[],
            related=article.related,
            body="Isi dari back office.\n",
        )
        user = account(db.session(), uid)
        service.save(db.session(), article, SLUG, draft, user, "ubah", faq_app.extensions["catalog"])
        db.session.commit()
    path.write_text(path.read_text(encoding="utf-8") + "\nPerubahan lain dari git.\n", encoding="utf-8")
    result = faq_app.test_cli_runner().invoke(args=["kb", "import"])
    assert "KONFLIK" in result.output and SLUG in result.output and "1 konflik" in result.output
    with faq_app.app_context():
        assert _article().body == "Isi dari back office.\n"


def test_export_writes_published_articles_that_load_the_same(faq_app, kb_copy):
    before = faq_app.extensions["kb"]
    result = faq_app.test_cli_runner().invoke(args=["kb", "export"])
    assert "98 artikel terbit ditulis" in result.output
    after = load_knowledge_base(kb_copy)
    assert [(a.slug, a.title, a.codes, a.tags, a.related, a.audience, a.updated, a.html) for a in after.articles] == [
        (a.slug, a.title, a.codes, a.tags, a.related, a.audience, a.updated, a.html) for a in before.articles
    ]
    text = (kb_copy / "BCSM.01" / f"{SLUG}.md").read_text(encoding="utf-8")
    assert text.startswith("+++\ntitle = ")
    # The exported files are what the database last wrote: importing again changes nothing.
    result = faq_app.test_cli_runner().invoke(args=["kb", "import"])
    assert "0 baru, 0 diperbarui, 98 tetap" in result.output


def test_file_text_round_trips_through_the_loader(faq_app, kb_copy):
    with faq_app.app_context():
        article = _article()
        article.synonyms = ["dukungan fungsi"]
        path = sync.write_published(db.session(), kb_copy, article)
        assert "synonyms = [" not in path.read_text(encoding="utf-8")  # the revision had none
