"""Views of the writing queue /staf/faq/antrean: the owning unit's open items and closing one."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.catalog.service import get_catalog
from portal.extensions import db
from portal.faq import queue, service
from portal.faq.forms import QueueCloseForm


def _choices() -> list[tuple[str, str]]:
    """The published articles the user's units own: the answers an item can be linked to."""
    articles = service.articles_for(db.session(), current_user, get_catalog())
    return [(a.slug, f"{a.code} · {a.title}") for a in articles if a.published_revision is not None]


def index():
    """Open items grouped by code and ranked by count, then the recently closed ones."""
    items = queue.gather(db.session(), current_app.extensions["kb"].by_slug)
    catalog = get_catalog()
    return render_template("faq/queue.html", groups=queue.for_user(items, current_user, catalog),
                           closed=queue.closed(items, current_user, catalog)[:20], choices=_choices(),
                           form=QueueCloseForm())  # fmt: skip


def close():
    """Link the chosen article to an item (audited); the item leaves the queue."""
    form = QueueCloseForm()
    if not form.validate_on_submit() or form.kind.data not in queue.KINDS:
        abort(400)
    items = queue.gather(db.session(), current_app.extensions["kb"].by_slug)
    try:
        done = queue.close(db.session(), items, form.kind.data, form.key.data, form.article.data, current_user,
                           get_catalog())  # fmt: skip
    except service.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Butir ditutup dengan artikel %(slug)s.", slug=form.article.data) if done
              else _("Butir ini sudah ditutup."), "success")  # fmt: skip
    return redirect(url_for("faq.queue"), 303)
