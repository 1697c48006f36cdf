"""FAQ pages, article feedback and the search page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.catalog import service as catalog_rules
from portal.catalog.service import get_catalog
from portal.core.access import PUBLIC, protect_blueprint
from portal.core.clock import today
from portal.core.numbers import to_int
from portal.core.pagecache import cached_page, cached_page_with_token
from portal.extensions import db, limiter
from portal.kb import searchlog
from portal.kb import service as rules
from portal.kb.forms import FeedbackForm, MissingForm

bp = Blueprint("kb", __name__)
protect_blueprint(bp, PUBLIC)


def get_kb():
    """Return the knowledge base loaded for this application."""
    return current_app.extensions["kb"]


@bp.get("/faq")
@cached_page
def index():
    """List the FAQ by service family, with article counts per code."""
    catalog = get_catalog()
    return render_template("kb/index.html", kb=get_kb(), families=catalog_rules.services_by_family(catalog))


@bp.get("/faq/<code>")
@cached_page
def code(code: str):
    """Show the FAQ of one service or sub-scope."""
    catalog = get_catalog()
    node = catalog.get(code)
    if node is None:
        if catalog.get(code.upper()):
            return redirect(url_for("kb.code", code=code.upper()), 301)
        abort(404)
    return render_template("kb/code.html", kb=get_kb(), node=node, service=catalog.service_of(code))


@bp.get("/faq/<code>/<slug>")
@cached_page_with_token
def article(code: str, slug: str):
    """Show one article with breadcrumbs, related articles and the feedback question."""
    if searchlog.OPENED_PARAMETER in request.args:  # opened from a search result: count it, show the clean URL
        searchlog.record_opened(db.session(), request.args[searchlog.OPENED_PARAMETER][:200], today())
        return redirect(url_for("kb.article", code=code, slug=slug), 303)
    kb, catalog = get_kb(), get_catalog()
    found = kb.by_slug.get(slug)
    if found is None:
        # An archived article's URL leads to its successor (FAQ authoring registers the lookup).
        successor = current_app.extensions.get("kb_successor", lambda _slug: None)(slug)
        if successor is not None:
            return redirect(successor, 301)
    if found is None or catalog.get(code) is None or code not in (found.folder, *found.codes):
        abort(404)
    if code != found.folder:
        return redirect(url_for("kb.article", code=found.folder, slug=slug), 301)
    node = catalog.get(code)
    return render_template(
        "kb/article.html",
        article=found,
        node=node,
        service=catalog.service_of(code),
        related=rules.related_articles(kb, found),
        form=FeedbackForm(),
        missing_form=MissingForm(),
        feedback_step=request.args.get("umpan-balik", ""),  # "tidak" asks what was missing, then thanks
        request_forms=rules.request_forms(current_app.extensions.get("request_types", ()), code),
    )


@bp.post("/faq/<code>/<slug>/umpan-balik")
@limiter.limit("20 per hour")
def feedback(code: str, slug: str):
    """Record "was this helpful?" without any personal data."""
    found = get_kb().by_slug.get(slug)
    if found is None or found.folder != code:
        abort(404)
    form = FeedbackForm()
    target = url_for("kb.article", code=code, slug=slug)
    if not form.validate_on_submit():
        flash(_("Masukan tidak dapat disimpan. Muat ulang halaman lalu coba lagi."), "error")
        return redirect(target)
    helpful = form.helpful.data == "ya"
    rules.record_feedback(db.session(), slug, helpful, today())
    # The answer comes back in place (the fragment keeps the reader at the question), not as a
    # flash at the top of the page: after "Tidak" the page asks what was missing.
    return redirect(_in_place(code, slug, "terima-kasih" if helpful else "tidak"))


def _in_place(code: str, slug: str, step: str) -> str:
    """The article at its feedback question (the fragment keeps the reader there), showing ``step``."""
    return f"{url_for('kb.article', code=code, slug=slug)}?umpan-balik={step}#umpan-balik"


@bp.post("/faq/<code>/<slug>/kurang")
@limiter.limit("20 per hour")
def missing(code: str, slug: str):
    """Keep what the reader said was missing (optional short text), then thank them in place."""
    found = get_kb().by_slug.get(slug)
    if found is None or found.folder != code:
        abort(404)
    form = MissingForm()
    if not form.validate_on_submit():
        flash(_("Masukan tidak dapat disimpan. Muat ulang halaman lalu coba lagi."), "error")
        return redirect(_in_place(code, slug, "tidak"))
    rules.record_missing(db.session(), slug, form.kurang.data or "", today())
    return redirect(_in_place(code, slug, "terima-kasih"))


@bp.get("/cari")
def search():
    """Search the FAQ and the catalog; explain what to do when nothing is found."""
    raw = request.args.get("q", "")
    scope = request.args.get("layanan", "").strip() or None
    catalog = get_catalog()
    if scope and scope not in catalog.nodes and scope not in {f.prefix for f in catalog.families}:
        scope = None
    page = request.args.get("halaman", "1")
    page = to_int(page, 1, 100) or 1
    context = {"query": raw, "scope": scope, "catalog": catalog, "search_query": raw[: rules.MAX_QUERY_LENGTH]}
    if not raw.strip():
        return render_template("kb/search.html", result=None, **context)
    try:
        query = rules.clean_query(raw)
    except rules.QueryError as exc:
        return render_template("kb/search.html", result=None, error=str(exc), **context), 400
    exact = request.args.get("persis") == "1"
    result = current_app.extensions["search"].search(query, scope=scope, page=page, exact=exact)
    if result.missed and page == 1:  # answered only through a suggestion counts too
        rules.record_miss(db.session(), query, today())
    elif page == 1 and (first := next((h for h in result.hits if h.kind == "article"), None)):
        searchlog.record_shown(db.session(), query, first.codes[0] if first.codes else "", today())
    return render_template("kb/search.html", result=result, **context)
