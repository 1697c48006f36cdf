"""The writing queue: what readers looked for and did not find, for the units that can write it.

Three sources, all from the knowledge base's anonymous logs (``portal.kb``): searches that found
nothing, searches whose article results nobody opened, and "Tidak" answers to "Apakah artikel ini
membantu?" with the notes readers left. Items are grouped by code (the first article's code, the
answered article's code; a search that found nothing has none and is shown to every unit) and
ranked by count. An item closes when an article that answers it is linked (``close``), recorded
in the audit trail with its actor; linking twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.catalog.models import Catalog
from portal.core.clock import now, today
from portal.faq import service
from portal.faq.models import FaqArticle, FaqQueueLink
from portal.kb import searchlog
from portal.kb import service as kb

KINDS = ("kosong", "tak-dibuka", "tidak")  # found nothing, nobody opened, "not helpful"
DAYS = 90  # how far back the queue looks


@dataclass
class Item:
    """One queue item: a query or an article, how often, and readers' notes."""

    kind: str
    key: str
    code: str | None
    count: int
    notes: list[tuple[str, int]] = field(default_factory=list)
    link: FaqQueueLink | None = None


def gather(session: Session, kb_articles) -> list[Item]:
    """Every item of the last ``DAYS`` days, closed ones with their link (most frequent first)."""
    since = today() - timedelta(days=DAYS)
    items = [Item("kosong", text, None, count) for text, count in kb.search_misses(session, since, limit=200)]
    items += [Item("tak-dibuka", text, code or None, count) for text, code, count in
              searchlog.unopened_searches(session, since)]  # fmt: skip
    notes: dict[str, list[tuple[str, int]]] = {}
    for slug, text, count in kb.missing_notes(session, since, limit=500):
        notes.setdefault(slug, []).append((text, count))
    codes = {slug: code for slug, code in session.execute(select(FaqArticle.slug, FaqArticle.code))}
    for slug, no, _yes in kb.article_feedback(session, since):
        found = kb_articles.get(slug)
        items.append(Item("tidak", slug, found.folder if found else codes.get(slug), int(no), notes.get(slug, [])))
    links = {(link.kind, link.key): link for link in session.scalars(select(FaqQueueLink))}
    for item in items:
        item.link = links.get((item.kind, item.key))
    return sorted(items, key=lambda i: (-i.count, i.kind, i.key))


def visible(user, catalog: Catalog, item: Item) -> bool:
    """The owning unit's staff see an item of its code; an item without a code is everyone's."""
    return item.code is None or service.owner_unit(catalog, item.code) in user.unit_names


def for_user(items: list[Item], user, catalog: Catalog) -> list[tuple[str | None, list[Item]]]:
    """The open items the user's units own, grouped by code, the busiest group first."""
    groups: dict[str | None, list[Item]] = {}
    for item in items:
        if item.link is None and visible(user, catalog, item):
            groups.setdefault(item.code, []).append(item)
    return sorted(groups.items(), key=lambda g: (-sum(i.count for i in g[1]), g[0] or ""))


def close(session: Session, items: list[Item], kind: str, key: str, slug: str, user, catalog: Catalog) -> bool:
    """Link the published article ``slug`` as the answer of an item; False when it was already closed."""
    item = next((i for i in items if i.kind == kind and i.key == key), None)
    if item is None or not visible(user, catalog, item):
        raise service.WorkflowError(_("Butir antrean tidak ditemukan."))
    if item.link is not None:
        return False
    article = session.scalar(select(FaqArticle).where(FaqArticle.slug == slug))
    if article is None or article.published_revision is None or not service.can_edit(user, article, catalog):
        raise service.WorkflowError(_("Pilih artikel terbit milik unit Anda."))
    session.add(FaqQueueLink(kind=kind, key=key, article_slug=slug, closed_by=user.id, closed_at=now()))
    audit.record(session, actor_id=user.id, action="faq.queue_close", object_type="faq_queue",
                 object_id=f"{kind}:{key}"[:120], after={"artikel": slug, "jumlah": item.count},
                 summary=key[:200])  # fmt: skip
    return True


def closed(items: list[Item], user, catalog: Catalog) -> list[Item]:
    """The user's closed items, latest first (what was answered, and by which article)."""
    done = [i for i in items if i.link is not None and visible(user, catalog, i)]
    return sorted(done, key=lambda i: i.link.closed_at if i.link else now(), reverse=True)
