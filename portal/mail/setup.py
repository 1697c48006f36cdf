"""Wire e-mail into an application: Flask-Mailman, ``flask mail``, delivery right after a request's commit."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.extensions import db, mail
from portal.jobs.registry import register
from portal.mail import delivery
from portal.mail.cli import mail_cli
from portal.mail.routes import bp
from portal.mail.service import PENDING_KEY

COMMITTED_KEY = "mail_outbox_committed"
log = logging.getLogger(__name__)


def _committed(session: Session) -> None:
    """Keep the ids of the outbox rows this commit stored (rolled-back rows have no identity)."""
    pending = session.info.pop(PENDING_KEY, [])
    stored = [state.identity[0] for state in map(inspect, pending) if state.has_identity and state.identity]
    if stored:
        session.info.setdefault(COMMITTED_KEY, []).extend(stored)


def _deliver_after_request(response: Response) -> Response:
    """Send what this request queued and committed, best effort: failures stay for ``flask mail send``."""
    ids = db.session.info.pop(COMMITTED_KEY, [])
    if ids and current_app.config["MAIL_SEND_AFTER_REQUEST"]:
        try:
            with Session(db.engine) as session:
                delivery.send_due(session, ids=ids)
        except Exception:  # the request's work is committed: its mail waits for the next run
            log.exception("sending the outbox after the request failed; flask mail send retries")
    return response


def init_app(app: Flask) -> None:
    """Choose the backend (SMTP when MAIL_SERVER is set, else ``.eml`` files) and register the hooks."""
    config = app.config
    if not config["MAIL_BACKEND"]:
        config["MAIL_BACKEND"] = "smtp" if config["MAIL_SERVER"] else "portal.mail.backends"
    config.setdefault("MAIL_DEFAULT_SENDER", config["MAIL_SENDER"])
    mail.init_app(app)
    if not event.contains(db.session, "after_commit", _committed):
        event.listen(db.session, "after_commit", _committed)
    app.after_request(_deliver_after_request)
    app.register_blueprint(bp)  # /staf/surel: triage, held mail, quarantine
    app.cli.add_command(mail_cli)
    register(app, "mail.send", _send_job, order=100)


def _send_job(session: Session, _now: object) -> str:
    """The outbox as a job: what ``flask mail send`` does, every minute."""
    report = delivery.send_due(session)
    return f"terkirim {report.sent}, dicoba lagi {report.retrying}, gagal {report.failed}"
