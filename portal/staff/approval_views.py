"""The service manager's approval of a broadcast request (BMSM.01), from the ticket page."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit import service as audit
from portal.core.access import access
from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.i18n import desk_language
from portal.extensions import db
from portal.staff.manage_views import LEADS
from portal.staff.views import _forms, _ticket_or_404, _ticket_page
from portal.tickets import approval, notify
from portal.tickets.workflow import WorkflowError


@access(LEADS)
def decide(reference: str):
    """Approve a broadcast (its 8 jam kerja start now) or refuse it with a reason; tell the requester."""
    t = _ticket_or_404(reference)
    forms = _forms(t)
    form = forms["approval_form"]
    if not form.validate():
        flash(_("Pilih keputusan persetujuan."), "error")
        return _ticket_page(t, forms, 422)
    approved = form.decision.data == "setujui"
    reason = (form.reason.data or "").strip()
    try:
        approval.decide(
            t, approve=approved, reason=reason, actor_id=current_user.id, calendar=get_calendar(), now=now()
        )
    except WorkflowError as exc:
        # Also a second submission of a decision already taken: nothing changes, nothing is e-mailed.
        db.session.rollback()
        flash(str(exc), "error")
        return _ticket_page(_ticket_or_404(reference), forms, 422)
    # The letter and the audit entry commit with the decision: told once, recorded once.
    notify.queue_approval_decision(db.session(), t, approved, reason)
    with desk_language():  # the audit log is read in the desk's language
        summary = _("Persetujuan broadcast: %(d)s", d=_("disetujui") if approved else _("tidak disetujui"))
    audit.record(
        db.session(),
        actor_id=current_user.id,
        action="ticket.approval",
        object_type="ticket",
        object_id=t.reference,
        after={"keputusan": "setujui" if approved else "tolak", "alasan": reason[:200]},
        summary=summary,
    )
    db.session.commit()
    flash(_("Permintaan broadcast disetujui.") if approved else _("Permintaan broadcast ditolak."), "success")
    return redirect(url_for("staff.ticket", reference=t.reference), 303)
