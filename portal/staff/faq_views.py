"""The ticket page's FAQ tools: "Jadikan FAQ" on a resolved ticket, and FAQ links in the reply box.

Both work without JavaScript. The FAQ search in the reply box is a button of the reply form
itself: searching, and inserting a link, post the reply text typed so far and render the form
again with it (plus the link), so nothing typed is lost and nothing is sent until "Kirim balasan".
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.auth import service as accounts
from portal.catalog.service import get_catalog
from portal.extensions import db
from portal.faq import from_ticket, reply_links
from portal.faq.forms import ActionForm
from portal.faq.service import WorkflowError
from portal.kb import service as kb_rules
from portal.staff import service
from portal.tickets.models import Ticket, TicketStatus

RESOLVED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
SEARCH, INSERT, QUERY = "faq_cari", "faq_sisip", "faq_q"


def _names(t: Ticket) -> list[str]:
    # Everyone the ticket knows by name: the requester (and their address's name part), its
    # assignee and authors, and the members of its unit who could have signed a reply.
    ids = {e.actor_id for e in t.events if e.actor_id} | ({t.assignee_id} if t.assignee_id else set())
    staff = [accounts.account(db.session(), i) for i in ids] + service.unit_members(db.session(), t.owner_unit)
    local = (t.requester_email or "").split("@")[0].replace(".", " ").replace("_", " ")
    return [t.requester_name, local, *(u.name for u in staff if u is not None)]


def source(t: Ticket, names: bool = True) -> from_ticket.TicketSource:
    """The ticket as FAQ authoring sees it: only the question and the public staff replies."""
    replies = [e.body for e in t.events if e.kind == "pesan" and e.public and e.author == "staf"]
    resolved = t.status in RESOLVED and t.merged_into_id is None  # a merged ticket's thread lives on elsewhere
    return from_ticket.TicketSource(reference=t.reference, code=t.code, resolved=resolved,
                                    subject=t.subject, question=t.detail, replies=replies,
                                    names=_names(t) if names else [])  # fmt: skip


def ticket_context(t: Ticket) -> dict:
    """What the ticket page needs to show "Jadikan FAQ" (or the draft made already)."""
    src = source(t, names=False)  # the page only asks whether the button applies: no lookups of names
    allowed = from_ticket.may_draft(current_user, src, get_catalog())
    draft = from_ticket.draft_of(db.session(), t.reference) if allowed else None
    return {"faq_may_draft": allowed, "faq_draft": draft, "faq_form": ActionForm(prefix="faq")}


def make_faq(reference: str):
    """POST: make (once) the draft article of this resolved ticket and open it in the editor."""
    t = service.load_ticket(db.session(), current_user, reference)
    if t is None:
        abort(404)  # another unit's ticket, or a SIAP reference: there is no such ticket here
    src = source(t)
    try:
        article, made = from_ticket.make_draft(db.session(), src, current_user, get_catalog())
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("staff.ticket", reference=t.reference), 303)
    except IntegrityError:  # a concurrent press made it first: open that one
        db.session.rollback()
        existing = from_ticket.draft_of(db.session(), src.reference)
        if existing is None:
            raise
        article, made = existing, False
    flash(_("Draf FAQ dibuat dari tiket; data pribadi sudah diganti penanda.") if made
          else _("Tiket ini sudah pernah dijadikan draf FAQ."), "success")  # fmt: skip
    return redirect(url_for("faq.edit", slug=article.slug), 303)


def wants_faq_tools() -> bool:
    """Whether a post of the reply form is a FAQ search or a link insertion (not a reply to send)."""
    return SEARCH in request.form or INSERT in request.form


def reply_tools(forms: dict) -> dict:
    """Search published articles and/or append the chosen one to the reply text; the page's extras."""
    query = (request.form.get(QUERY) or "").strip()[:kb_rules.MAX_QUERY_LENGTH]
    body = forms["reply_form"].body
    chosen = request.form.get(INSERT, "")
    if chosen:
        link = reply_links.published(db.session(), chosen)
        if link is None:
            flash(_("Artikel itu tidak (lagi) terbit; tautan tidak disisipkan."), "error")
        else:
            body.data = reply_links.append(body.data or "", link, request.url_root)
            flash(_("Tautan artikel disisipkan ke balasan. Periksa, lalu kirim."), "success")
    results = reply_links.find(db.session(), current_app.extensions["search"], query) if query else []
    return {"faq_query": query, "faq_results": results, "faq_searched": bool(query) and not chosen}
