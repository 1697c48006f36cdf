""""Jadikan FAQ": a draft article made from a resolved ticket's question and public replies.

The back office hands over the ticket as a plain ``TicketSource`` (this feature reads no ticket
table). Personal data is replaced by placeholders (``scrub.py``) before anything is stored, so
neither the draft, its first revision nor the editor's preview ever holds it. One ticket makes
one draft: ``faq_ticket_source.ticket_reference`` is unique, and a second press (or a retried
POST) returns the draft made the first time. SIAP complaints (WBSM.01) live in their own
store and never reach here; a ticket coded WBSM.01 is refused all the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.catalog.models import Catalog
from portal.faq import service
from portal.faq.authoring_models import FaqTicketSource
from portal.faq.models import FaqArticle
from portal.faq.scrub import scrub

SIAP_PREFIX = "WBSM"  # the complaint service: never an FAQ draft


@dataclass(frozen=True)
class TicketSource:
    """What a draft is made from; ``names`` are the people the ticket knows (requester, staff)."""

    reference: str
    code: str
    resolved: bool
    subject: str
    question: str
    replies: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def source_of(session: Session, article: FaqArticle) -> FaqTicketSource | None:
    """The ticket an article was drafted from, if any."""
    return session.scalar(select(FaqTicketSource).where(FaqTicketSource.article_id == article.id))


def draft_of(session: Session, reference: str) -> FaqArticle | None:
    """The article already drafted from a ticket, if any."""
    query = select(FaqArticle).join(FaqTicketSource, FaqTicketSource.article_id == FaqArticle.id)
    return session.scalar(query.where(FaqTicketSource.ticket_reference == reference))


def may_draft(user, src: TicketSource, catalog: Catalog) -> bool:
    """Whether the "Jadikan FAQ" button applies: a resolved non-SIAP ticket of a code the user's unit owns."""
    if src.code.upper().startswith(SIAP_PREFIX) or not src.resolved:
        return False
    return service.owner_unit(catalog, src.code) in user.unit_names


def body_of(src: TicketSource) -> str:
    """The draft's Markdown: the question, then the public replies, each scrubbed."""
    question = scrub(src.question, src.names).strip() or scrub(src.subject, src.names)
    replies = [scrub(r, src.names).strip() for r in src.replies if r.strip()]
    answer = "\n\n".join(replies) or _("(Tulis jawabannya di sini.)")
    return f"## {_('Pertanyaan')}\n\n{question}\n\n## {_('Jawaban')}\n\n{answer}\n"


def make_draft(session: Session, src: TicketSource, user, catalog: Catalog) -> tuple[FaqArticle, bool]:
    """The ticket's draft article and whether it was made now (False: it existed already)."""
    if src.code.upper().startswith(SIAP_PREFIX):
        raise service.WorkflowError(_("Pengaduan SIAP tidak pernah dijadikan FAQ."))
    if not src.resolved:
        raise service.WorkflowError(_("Hanya tiket yang sudah selesai yang dapat dijadikan FAQ."))
    found = draft_of(session, src.reference)
    if found is not None:
        return found, False
    title = scrub(src.subject, src.names).strip()[:300] or _("FAQ dari tiket")
    draft = service.Draft(title=title, codes=[src.code], tags=[], synonyms=[], related=[], body=body_of(src))
    note = _("Dibuat dari tiket yang sudah selesai")
    article = service.save(session, None, service.free_slug(session, title), draft, user, note, catalog)
    session.add(FaqTicketSource(article_id=article.id, ticket_reference=src.reference, created_by=user.id))
    session.flush()  # the unique reference stops a concurrent second draft here
    audit.record(session, actor_id=user.id, action="faq.from_ticket", object_type="faq_article",
                 object_id=article.slug, after={"tiket": src.reference}, summary=title)  # fmt: skip
    return article, True
