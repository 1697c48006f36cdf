"""Views of the FAQ back office /staf/faq: list, edit with server-side preview, review, publish, revisions."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.catalog.service import get_catalog
from portal.core.numbers import to_int
from portal.extensions import db
from portal.faq import from_ticket, public, service
from portal.faq.forms import ActionForm, ArchiveForm, ArticleForm, split_list
from portal.faq.models import FaqArticle
from portal.kb import service as kb
from portal.kb.loader import render_markdown


def _article(slug: str) -> FaqArticle:
    article = db.session.scalar(select(FaqArticle).where(FaqArticle.slug == slug))
    if article is None or not service.can_edit(current_user, article, get_catalog()):
        abort(404)  # another unit's article is not shown at all
    return article


def index():
    """The articles of the codes the user's units own, with status, review dates and feedback."""
    articles = service.articles_for(db.session(), current_user, get_catalog())
    counts = kb.feedback_totals(db.session(), [a.slug for a in articles]) if articles else {}
    return render_template("faq/index.html", articles=articles, counts=counts)


def _draft(form: ArticleForm) -> service.Draft:
    return service.Draft(
        title=form.title.data.strip(), codes=split_list(form.codes.data.replace(" ", ",")),
        tags=[t.lower() for t in split_list(form.tags.data)],
        synonyms=[s.lower() for s in split_list(form.synonyms.data)],
        related=split_list(form.related.data), body=form.body.data, review_by=form.review_by.data,
    )  # fmt: skip


def _fill(form: ArticleForm, article: FaqArticle) -> None:
    form.title.data, form.codes.data = article.title, ", ".join(article.codes)
    form.tags.data, form.synonyms.data = ", ".join(article.tags), ", ".join(article.synonyms)
    form.related.data, form.body.data, form.review_by.data = ", ".join(article.related), article.body, article.review_by


def edit(slug: str | None = None):
    """Edit (or write) an article; "Pratinjau" shows the sanitised rendering without saving."""
    article = _article(slug) if slug else None
    form = ArticleForm()
    if request.method == "GET" and article is not None:
        _fill(form, article)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            # Left empty, the address is made from the title: most authors need not think of one.
            new_slug = slug or (form.slug.data or "").strip() or service.free_slug(db.session(), form.title.data)
            try:
                article = service.save(db.session(), article, new_slug, _draft(form), current_user,
                                       form.note.data.strip(), get_catalog())  # fmt: skip
            except service.WorkflowError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("Draf disimpan."), "success")
                return redirect(url_for("faq.edit", slug=article.slug), 303)
    revisions = service.revisions(db.session(), article) if article else []
    source = from_ticket.source_of(db.session(), article) if article else None
    single = current_app.config.get("FAQ_SINGLE_MEMBER_PUBLISH", True)
    # "Terbitkan" only for someone it would work for: the author waits for a second person.
    may_publish = bool(article and article.status == service.REVIEW
                       and service.can_publish(db.session(), current_user, article, get_catalog(), single))
    return render_template("faq/edit.html", article=article, form=form, preview=preview, revisions=revisions,
                           action=ActionForm(), archive_form=ArchiveForm(), source=source,
                           may_publish=may_publish)  # fmt: skip


def _step(slug: str, run, done: str):
    """Run one workflow step behind its CSRF check; commit, then show the public site the result."""
    article = _article(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        touched = run(article)
    except service.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        if touched:
            public.show_published(current_app._get_current_object(), article)  # type: ignore[attr-defined]
        else:
            db.session.commit()
        flash(done, "success")
    return redirect(url_for("faq.edit", slug=slug), 303)


def submit(slug: str):
    """Send a draft to review."""
    return _step(slug, lambda a: service.submit(db.session(), a, current_user, get_catalog()),
                 _("Artikel diajukan untuk ditinjau."))  # fmt: skip


def publish(slug: str):
    """Publish the reviewed article (a second person of the unit)."""
    single = current_app.config.get("FAQ_SINGLE_MEMBER_PUBLISH", True)
    return _step(slug, lambda a: service.publish(db.session(), a, current_user, get_catalog(), single),
                 _("Artikel diterbitkan."))  # fmt: skip


def archive(slug: str):
    """Archive: the article leaves the site and its URL leads to the successor."""
    form = ArchiveForm()
    article = _article(slug)
    if not form.validate_on_submit():
        flash(_("Isi slug artikel pengganti."), "error")
        return redirect(url_for("faq.edit", slug=slug), 303)
    try:
        service.archive(db.session(), article, current_user, get_catalog(), form.successor.data.strip())
    except service.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        public.show_published(current_app._get_current_object(), article)  # type: ignore[attr-defined]
        flash(_("Artikel diarsipkan."), "success")
    return redirect(url_for("faq.edit", slug=slug), 303)


def restore(slug: str, number: str):
    """Restore an old revision as a new draft."""
    wanted = to_int(number, 1, 2**31 - 1)
    if wanted is None:
        abort(404)
    return _step(slug, lambda a: service.restore(db.session(), a, wanted, current_user, get_catalog()) and False,
                 _("Revisi dipulihkan sebagai draf baru."))  # fmt: skip


def diff(slug: str):
    """The difference between two revisions (?dari=N&ke=M)."""
    article = _article(slug)
    newest = [r.number for r in service.revisions(db.session(), article)[:2]]
    defaults = (newest[-1], newest[0]) if newest else (0, 0)  # without a choice: the last two revisions
    numbers = [to_int(request.args.get(k, str(d)), 1, 2**31 - 1) for k, d in zip(("dari", "ke"), defaults, strict=True)]
    old, new = (service.revision(db.session(), article, n) if n else None for n in numbers)
    if old is None or new is None:
        abort(404)
    return render_template("faq/diff.html", article=article, old=old, new=new, lines=service.diff(old, new))
