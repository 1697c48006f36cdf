"""Wire staff notifications in: the page, the unread count for the back-office menu, the digest job."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from portal.core.desk import get_calendar
from portal.extensions import db
from portal.jobs.registry import register
from portal.notifications import service
from portal.notifications.routes import bp


def _unread() -> int:
    """The signed-in member's unread count, for the menu (0 for anyone else)."""
    if not has_request_context() or not getattr(current_user, "is_staff", False):
        return 0
    return service.unread_count(db.session(), current_user.id)


def _digest_job(session: Session, now: datetime) -> str:
    """The 08.00 WIB digest of the notifications members chose to receive once a day."""
    count = service.send_digests(session, now, get_calendar(), "/staf/pemberitahuan/")
    return f"{count} ringkasan dikirim"


def init_app(app: Flask) -> None:
    """Register the page, ``unread_notifications()`` for templates, and the digest job."""
    app.register_blueprint(bp)
    app.jinja_env.globals["unread_notifications"] = _unread
    register(app, "notifications.digest", _digest_job)
