"""The access levels of SIAP routes and the sessions they load.

- ``siap_pelapor``: a reporter session opened with a receipt (else: to the receipt form).
- ``siap_anggota``: a member of the Secretariat holding a grant (else: 404, for
  everyone: anonymous visitors, agents, unit leads, administrators, requesters).
- ``siap_sekretariat``: such a member with an unlocked session (members without one are
  sent to the unlock page; everyone else gets 404).
"""

from __future__ import annotations

from flask import Flask, abort, g, redirect, url_for
from flask_login import current_user

from portal.core.access import register_level
from portal.extensions import db
from portal.siap import members, sessions

REPORTER_LEVEL = "siap_pelapor"
MEMBER_LEVEL = "siap_anggota"
UNLOCKED_LEVEL = "siap_sekretariat"


def reporter_session() -> sessions.Opened | None:
    """Return this request's reporter session (loaded once per request)."""
    if "siap_reporter" not in g:
        g.siap_reporter = sessions.from_request(db.session(), sessions.REPORTER)
    return g.siap_reporter


def member_session() -> sessions.Opened | None:
    """Return this request's unlocked member session, bound to the signed-in account."""
    if "siap_member" not in g:
        opened = sessions.from_request(db.session(), sessions.MEMBER)
        if opened is not None and (not current_user.is_authenticated or opened.row.user_id != current_user.id):
            opened = None
        g.siap_member = opened
    return g.siap_member


def require_reporter():
    """Let a reporter with a live session through; others go to the receipt form."""
    if reporter_session() is None:
        return redirect(url_for("siap.login"), 303)
    return None


def require_member():
    """Answer 404 to anyone who is not a Secretariat member with a grant."""
    if not members.may_enter(db.session(), current_user):
        abort(404)
    return None


def require_unlocked():
    """Let unlocked members through; send locked members to unlock; 404 for the rest."""
    require_member()
    if member_session() is None:
        return redirect(url_for("siap_sekretariat.unlock"), 303)
    return None


def init_app(app: Flask) -> None:
    """Register the three SIAP access levels."""
    register_level(app, REPORTER_LEVEL, require_reporter)
    register_level(app, MEMBER_LEVEL, require_member)
    register_level(app, UNLOCKED_LEVEL, require_unlocked)
