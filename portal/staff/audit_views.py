"""The audit trail for administrators (/staf/admin/log): filter by actor, action, object and dates; CSV.

The entries are written by every feature through ``portal.audit.service.record``; this page
only reads them. SIAP's own audit log is not here (it lives in the SIAP database, for the
Secretariat only).
"""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask_babel import gettext as _

from portal.audit import service as audit
from portal.core.access import access
from portal.core.clock import today
from portal.core.csvsafe import csv_lines
from portal.core.desk import get_calendar
from portal.core.numbers import to_int
from portal.extensions import db
from portal.staff import manage
from portal.staff.manage_views import ADMINS

FILTER_KEYS = ("pelaku", "aksi", "objek", "objek_id", "dari", "sampai")


def _day(name: str, errors: list[str]) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(_("Tanggal '%(v)s' tidak valid; gunakan format TTTT-BB-HH.", v=raw[:20]))
        return None


def _filter() -> tuple[audit.AuditFilter, list[str]]:
    """Read the filter from the query string; bad values are dropped with a message, never a 500."""
    args, errors = request.args, list[str]()
    date_from, date_to = _day("dari", errors), _day("sampai", errors)
    if date_from and date_to and date_to < date_from:
        errors.append(_("Tanggal akhir sebelum tanggal awal."))
        date_from = date_to = None
    return (
        audit.AuditFilter(
            actor_id=to_int(args.get("pelaku", ""), 1, 2**31 - 1),
            action=(args.get("aksi") or "")[:60] or None,
            object_type=(args.get("objek") or "")[:40] or None,
            object_id=(args.get("objek_id") or "").strip()[:80] or None,
            date_from=date_from,
            date_to=date_to,
            page=to_int(args.get("halaman", "1"), 1, 99999) or 1,
        ),
        errors,
    )


def _names() -> dict[int, str]:
    return {u.id: f"{u.name} <{u.email}>" for u in manage.accounts(db.session())}


@access(ADMINS)
def audit_log():
    """One page of the audit trail, newest first, with its filters."""
    f, errors = _filter()
    entries, more = audit.search(db.session(), f, get_calendar().tz)
    names = _names()
    actors = sorted(audit.actor_ids(db.session()), key=lambda i: names.get(i, str(i)).lower())
    query = {k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}  # kept by the pager and the CSV link
    page = render_template(
        "staff/audit.html",
        entries=entries,
        more=more,
        f=f,
        query=query,
        errors=errors,
        names=names,
        actors=actors,
        actions=audit.ACTIONS,
        object_types=audit.OBJECT_TYPES,
        describe=audit.describe,
    )
    return page, 400 if errors else 200


@access(ADMINS)
def audit_csv():
    """Every entry matching the filters as CSV, cells safe to open in a spreadsheet."""
    f, errors = _filter()
    if errors:
        return Response("\n".join(errors), status=400, mimetype="text/plain")
    rows = audit.export(db.session(), f, get_calendar().tz, _names())
    day = today(get_calendar().tz)
    return Response(
        "".join(csv_lines(rows)),  # built whole: the session is done before the answer leaves
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=log-audit-hai-djpb-{day:%Y%m%d}.csv",
            "Cache-Control": "no-store",
        },
    )
