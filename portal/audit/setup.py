"""Wire the audit trail into an application: the ORM guard that keeps the log append-only."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

from portal.audit.models import AuditEntry


class AppendOnlyError(RuntimeError):
    """Something tried to change or delete an audit entry."""


def refuse(mapper: Any, connection: Any, target: AuditEntry) -> None:
    """Refuse any update or delete of an audit entry through the ORM."""
    raise AppendOnlyError(f"audit entry {target.id} is append-only")


def init_app(app: Flask) -> None:
    """Install the append-only guard (once per process; the mapper is shared by every app)."""
    for name in ("before_update", "before_delete"):
        if not event.contains(AuditEntry, name, refuse):
            event.listen(AuditEntry, name, refuse)
