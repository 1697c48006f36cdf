"""What the ticket page shows and offers for routing: transfer, merge, link, forwarding.

Kept apart from the view functions so that ``views`` (the ticket page) and ``routing_views`` (the
actions) both build the same forms without importing each other.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from portal.catalog.models import Catalog, Service, Subscope
from portal.staff.forms import ForwardForm, ForwardUpdateForm, ReferenceForm, TransferForm
from portal.tickets import forwarding, routing, service


def transfer_choices(catalog: Catalog, current: str) -> list[SelectChoice]:
    """Codes a ticket may move to, by family: not its own, not SIAP's, no service that needs a sub-scope."""
    names = {f.prefix: f"{f.prefix} · {f.name}" for f in catalog.families}
    choices = [SelectChoice("", _("— Pilih kode —"))]
    for svc in catalog.services:
        if svc.code in service.SEGREGATED:
            continue
        group = names.get(svc.family_prefix, svc.family_prefix)
        nodes: list[Service | Subscope] = [
            *([] if service.needs_subscope(catalog, svc.code) else [svc]),
            *svc.subscopes,
        ]
        choices += [SelectChoice(n.code, f"{n.code} {n.name}", optgroup=group) for n in nodes if n.code != current]
    return choices


def forward_choices(catalog: Catalog, code: str) -> list[SelectChoice]:
    """The linked units of section F, those the catalog links to ``code`` first."""
    suggested, others = forwarding.unit_choices(catalog, code)
    return [
        SelectChoice("", _("— Pilih unit —")),
        *(SelectChoice(u, u, optgroup=_("Terkait kode %(code)s", code=code)) for u in suggested),
        *(SelectChoice(u, u, optgroup=_("Unit terkait lainnya")) for u in others),
    ]


def routing_forms(catalog: Catalog, ticket, now_local) -> dict:
    """The routing forms of the ticket page (bound to the request's data on a POST)."""
    transfer = TransferForm(prefix="pi")
    transfer.code.choices = transfer_choices(catalog, ticket.code)
    forward = ForwardForm(prefix="fw")
    forward.unit.choices = forward_choices(catalog, ticket.code)
    if forward.sent_at.data is None and not forward.sent_at.raw_data:
        forward.sent_at.data = now_local.replace(tzinfo=None, second=0, microsecond=0)
    return {
        "transfer_form": transfer,
        "merge_form": ReferenceForm(prefix="gb"),
        "link_form": ReferenceForm(prefix="tt"),
        "forward_form": forward,
        "forward_update_form": ForwardUpdateForm(prefix="fu"),
    }


def routing_context(session: Session, user, ticket) -> dict:
    """Links, merges and forwards of the ticket, and whether this account may route it."""
    return {
        "linked_tickets": routing.linked(session, ticket),
        "merged_from": routing.merged_from(session, ticket),
        "merged_into": routing.merged_into(session, ticket),
        "forwards": forwarding.forwards(session, ticket),
        "may_route": routing.may_route(user, ticket),
        "forwardable": ticket.status in forwarding.FORWARDABLE and ticket.merged_into_id is None,
        "routable": ticket.status in routing.ROUTABLE and ticket.merged_into_id is None,
    }
