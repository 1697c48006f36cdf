"""Request forms (/permintaan/…) for requesters; the thread views live in status_views."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal.catalog import service as catalog_rules
from portal.catalog import visitor
from portal.catalog.service import get_catalog
from portal.core.clock import today
from portal.extensions import db, limiter
from portal.tickets import attachments, idempotency, service
from portal.tickets.forms import either_or_message, form_class
from portal.tickets.grants import grant_new_ticket
from portal.tickets.submit import checked_uploads, create_once
from portal.tickets.types import request_types, types_for


def start():
    """"Ajukan pertanyaan atau permintaan": search first, then the services by family, to a form.

    With a remembered user type the services open to it come first and the closed ones are
    named as such, so no one reaches a form that will refuse them.
    """
    catalog = get_catalog()
    user_type = visitor.chosen(session, catalog)
    opened = None
    if user_type is not None:
        amendments = catalog_rules.amendments_in_force()
        opened = {s.code for s in catalog_rules.split_for_user(catalog, user_type.id, amendments)[0]}
    return render_template(
        "tickets/start.html",
        catalog=catalog,
        families=catalog_rules.services_by_family(catalog),
        user_type=user_type,
        opened=opened,
        segregated=service.SEGREGATED,
    )


def choose(code: str):
    """Answer first: exclusions and FAQ of the code, then the request types to choose from."""
    catalog = get_catalog()
    node = catalog.get(code)
    own = catalog.service_of(code)  # None exactly when node is
    if node is None or own is None:
        abort(404)
    if own.code in service.SEGREGATED:
        return redirect(url_for(service.SEGREGATED[own.code]), 303)
    kb = current_app.extensions["kb"]
    return render_template(
        "tickets/choose.html",
        node=node,
        service=own,
        types=[] if service.needs_subscope(catalog, code) else types_for(request_types(), code),
        articles=kb.for_code(code)[:8],
        only_internal=catalog_rules.only_internal(catalog, node, catalog_rules.amendments_in_force()),
    )


@limiter.limit("30 per hour", methods=["POST"])
def form(code: str, type_key: str):
    """Show and accept the form of one request type."""
    catalog = get_catalog()
    node = catalog.get(code)
    own = catalog.service_of(code)  # None exactly when node is
    rtype = next((t for t in types_for(request_types(), code) if t.key == type_key), None)
    if node is None or own is None or rtype is None or service.needs_subscope(catalog, code):
        abort(404)
    if own.code in service.SEGREGATED:
        return redirect(url_for(service.SEGREGATED[own.code]), 303)
    account = current_user if current_user.is_authenticated else None
    form = form_class(rtype, catalog.user_types)()
    if request.method == "GET":
        remembered = visitor.chosen(session, catalog)
        if account is not None and account.user_type:
            form.pengguna.data = str(account.user_type)
        elif remembered is not None:  # "Saya adalah …", chosen once in this session
            form.pengguna.data = str(remembered.id)
    # The one-time submission key: a resubmission of the same content returns the first ticket.
    key = idempotency.clean_key(request.form.get(idempotency.FORM_FIELD)) or idempotency.browser_form_key(
        session, request.path
    )
    either_or = either_or_message(rtype.at_least_one) if rtype.at_least_one else ""
    context = {
        "node": node,
        "service": own,
        "rtype": rtype,
        "form": form,
        "submission_key": key,
        "either_or": either_or,
    }
    if request.method in ("GET", "HEAD") or request.form.get("aksi") == "saran":
        return render_template("tickets/form.html", suggestions=_suggestions(form, code), **context)
    error = None
    if form.validate():
        try:
            created = create_once(
                form,
                rtype,
                code,
                uploads=checked_uploads(),
                channel="portal",
                account=account,
                key=key,
                scope=idempotency.FORM_SCOPE,
                per_content=True,
            ).created
        except attachments.AttachmentError as exc:
            form.lampiran.errors = [*form.lampiran.errors, str(exc)] if "lampiran" in rtype.fields else []
            error = str(exc)
        except service.SignInRequired:
            return redirect(url_for("auth.login", next=request.path), 303)
        except service.TicketError as exc:
            error = str(exc)
        else:
            # The new ticket's private link is in the e-mail only: this browser gets a grant, and
            # the redirect carries no token for an access log to keep.
            return redirect(grant_new_ticket(created.ticket), 303)
    page = render_template("tickets/form.html", error=error, suggestions=[], **context)
    return page, 422


def _suggestions(form, code: str):
    """Articles that may already answer what the requester is typing (the no-JS search step)."""
    text = " ".join(filter(None, [getattr(form, "subjek", None) and form.subjek.data, request.form.get("detail")]))
    if not text.strip():
        return []
    result = current_app.extensions["search"].search(text[:200], per_page=5)
    return [h for h in result.hits if h.kind == "article"]


def suggestion(code: str):
    """Count that a suggested article was opened from a form, then go to it."""
    slug = request.args.get("artikel", "")
    article = current_app.extensions["kb"].by_slug.get(slug)
    if article is None or get_catalog().get(code) is None:
        abort(404)
    service.record_suggestion_opened(db.session(), code, slug, today())
    return redirect(url_for("kb.article", code=article.folder, slug=slug), 303)
