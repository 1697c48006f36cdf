"""Catalog pages: home, the catalog, one service or sub-scope, the eligibility matrix."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from portal.catalog import service as rules
from portal.catalog import visitor
from portal.catalog.models import Service
from portal.catalog.service import get_catalog
from portal.core.access import PUBLIC, protect_blueprint
from portal.core.clock import today
from portal.core.numbers import to_int
from portal.core.pagecache import cached_page
from portal.extensions import db
from portal.notices import service as notices

bp = Blueprint("catalog", __name__)
protect_blueprint(bp, PUBLIC)


@bp.get("/")
@cached_page
def home():
    """Show what HAI-DJPb is, the chooser of user types and the services by family."""
    catalog = get_catalog()
    return render_template(
        "catalog/home.html",
        catalog=catalog,
        families=rules.services_by_family(catalog),
        announcements=notices.current_announcements(db.session(), today()),
    )


@bp.get("/layanan")
@cached_page
def index():
    """List the catalog, optionally for one user type (``?pengguna=N``)."""
    catalog = get_catalog()
    raw = request.args.get("pengguna", "").strip()
    if not raw:
        return render_template(
            "catalog/index.html",
            catalog=catalog,
            families=rules.services_by_family(catalog),
            chosen=visitor.chosen(session, catalog),
        )
    number = to_int(raw, 1, len(catalog.user_types))
    user_type = catalog.user_type(number) if number else None
    if user_type is None:
        page = render_template(
            "catalog/index.html",
            catalog=catalog,
            families=rules.services_by_family(catalog),
            bad_user_type=raw,
        )
        return page, 400
    amendments = rules.amendments_in_force()
    opened, closed = rules.split_for_user(catalog, user_type.id, amendments)
    return render_template(
        "catalog/for_user.html",
        catalog=catalog,
        user_type=user_type,
        opened=opened,
        closed=[(s, rules.alternatives(catalog, s, user_type.id, amendments)) for s in closed],
    )


@bp.get("/saya-adalah")
def choose_user_type():
    """Remember "Saya adalah …" for this session (no account), then show the services for it.

    An empty value ("Semua") forgets the choice. Not cached: it changes the visitor's session.
    """
    user_type = visitor.remember(session, get_catalog(), request.args.get("pengguna"))
    if user_type is None:
        return redirect(url_for("catalog.index"), 303)
    return redirect(url_for("catalog.index", pengguna=user_type.id), 303)


@bp.get("/layanan/matriks")
@cached_page
def matrix():
    """Show the full eligibility matrix as an accessible table."""
    return render_template("catalog/matrix.html", catalog=get_catalog())


@bp.get("/layanan/<code>")
@cached_page
def detail(code: str):
    """Show one service or sub-scope with every fact the catalog gives."""
    catalog = get_catalog()
    node = catalog.get(code)
    if node is None:
        if catalog.get(code.upper()) is not None:
            return redirect(url_for("catalog.detail", code=code.upper()), 301)
        abort(404)
    service = catalog.service_of(node.code)
    if service is None:  # every node of the catalog belongs to a service
        abort(404)
    return render_template(
        "catalog/detail.html",
        catalog=catalog,
        node=node,
        service=service,
        is_service=isinstance(node, Service),
        eligible=rules.eligible_types(catalog, node, rules.amendments_in_force()),
        linked_units=catalog.linked_units_for(node.code),
        only_internal=rules.only_internal(catalog, node, rules.amendments_in_force()),
    )
