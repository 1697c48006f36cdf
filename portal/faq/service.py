"""FAQ workflow rules: who may edit and publish, saving revisions, review, publish, archive, restore.

An article's working copy moves draft → in review → published; a published article stays
public (its published revision) while a new draft of it is written. Publishing needs a
second person of the owning unit who is its lead (an administrator of the unit counts too)
or one of the editors an administrator appointed for it (``editors.py``);
``FAQ_SINGLE_MEMBER_PUBLISH`` lets a unit with one member publish its own. Publish, archive
and restore are written to the audit trail in the change's own transaction.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.auth import service as accounts
from portal.catalog.models import Catalog
from portal.core.clock import now, today
from portal.faq import editors
from portal.faq.models import ARCHIVED, DRAFT, PUBLISHED, REVIEW, FaqArticle, FaqRevision
from portal.faq.sync import add_revision


class WorkflowError(ValueError):
    """A step is not allowed now or for this person; the message is for the user."""


@dataclass(frozen=True)
class Draft:
    """What the edit form saves."""

    title: str
    codes: list[str]
    tags: list[str]
    synonyms: list[str]
    related: list[str]
    body: str
    review_by: date | None = None


def owner_unit(catalog: Catalog, code: str) -> str | None:
    """The unit that owns a code: the sub-scope's own unit, else its service's owner."""
    node = catalog.get(code)
    if node is None:
        return None
    own = getattr(node, "owner_unit", "")
    service = catalog.service_of(code)
    return own or (service.owner if service else None)


def can_edit(user, article: FaqArticle, catalog: Catalog) -> bool:
    """Only staff of the unit that owns the article's code edit it."""
    return user.role in accounts.STAFF_ACCOUNT_ROLES and owner_unit(catalog, article.code) in user.unit_names


def editable_codes(user, catalog: Catalog) -> list[str]:
    """The codes whose articles ``user`` may write (every node of the user's units)."""
    return [code for code in catalog.nodes if owner_unit(catalog, code) in user.unit_names]


def articles_for(session: Session, user, catalog: Catalog) -> list[FaqArticle]:
    """The articles of the codes the user's units own, by code and title."""
    codes = editable_codes(user, catalog)
    query = select(FaqArticle).where(FaqArticle.code.in_(codes)).order_by(FaqArticle.code, FaqArticle.title)
    return list(session.scalars(query))


def revisions(session: Session, article: FaqArticle) -> list[FaqRevision]:
    """Every revision of an article, newest first."""
    query = select(FaqRevision).where(FaqRevision.article_id == article.id).order_by(FaqRevision.number.desc())
    return list(session.scalars(query))


def revision(session: Session, article: FaqArticle, number: int) -> FaqRevision | None:
    """One revision of an article by its number."""
    query = select(FaqRevision).where(FaqRevision.article_id == article.id, FaqRevision.number == number)
    return session.scalar(query)


def save(session: Session, article: FaqArticle | None, slug: str, draft: Draft, user, note: str,
         catalog: Catalog) -> FaqArticle:  # fmt: skip
    """Save the working copy as a new draft revision (a new article when ``article`` is None)."""
    code = draft.codes[0]
    if owner_unit(catalog, code) not in user.unit_names:
        raise WorkflowError(_("Kode %(code)s bukan milik unit Anda.", code=code))
    unknown = [c for c in draft.codes if catalog.get(c) is None]
    if unknown:
        raise WorkflowError(_("Kode tidak ada di katalog: %(codes)s.", codes=", ".join(unknown)))
    known = set(session.scalars(select(FaqArticle.slug).where(FaqArticle.slug.in_(draft.related))))
    missing = [r for r in draft.related if r not in known]
    if missing:
        raise WorkflowError(_("Artikel terkait tidak ada: %(slugs)s.", slugs=", ".join(missing)))
    if article is None:
        if session.scalar(select(FaqArticle.id).where(FaqArticle.slug == slug)) is not None:
            raise WorkflowError(_("Alamat (slug) %(slug)s sudah dipakai artikel lain.", slug=slug))
        article = FaqArticle(slug=slug, audience=[])
        session.add(article)
    elif not can_edit(user, article, catalog):
        raise WorkflowError(_("Artikel ini milik unit lain."))
    elif article.status == ARCHIVED:
        raise WorkflowError(_("Artikel yang diarsipkan tidak dapat diubah."))
    article.code, article.codes, article.title = code, list(draft.codes), draft.title
    article.tags, article.synonyms, article.related = draft.tags, draft.synonyms, draft.related
    article.body, article.review_by = draft.body, draft.review_by
    article.status, article.edited, article.updated_at = DRAFT, True, now()
    session.flush()
    add_revision(session, article, user.id, note)
    return article


def submit(session: Session, article: FaqArticle, user, catalog: Catalog) -> None:
    """Send a draft to review."""
    if not can_edit(user, article, catalog):
        raise WorkflowError(_("Artikel ini milik unit lain."))
    if article.status != DRAFT:
        raise WorkflowError(_("Hanya draf yang dapat diajukan untuk ditinjau."))
    article.status, article.updated_at = REVIEW, now()


def latest(session: Session, article: FaqArticle) -> FaqRevision:
    """The newest revision (the one a publish makes public)."""
    found = revisions(session, article)
    if not found:
        raise WorkflowError(_("Artikel belum punya revisi."))
    return found[0]


def can_publish(session: Session, user, article: FaqArticle, catalog: Catalog, single_member: bool) -> bool:
    """A lead or editor of the owning unit who did not write the latest revision; or a one-member unit's own."""
    if not can_edit(user, article, catalog):
        return False
    author = latest(session, article).author_id
    unit = owner_unit(catalog, article.code) or ""
    if author != user.id:
        return editors.may_publish(session, user, unit)
    return single_member and len(accounts.unit_accounts(session, unit, accounts.STAFF_ACCOUNT_ROLES)) == 1


def publish(session: Session, article: FaqArticle, user, catalog: Catalog, single_member: bool) -> FaqRevision:
    """Make the latest revision public (the caller writes the file and reloads the site after commit)."""
    if article.status != REVIEW:
        raise WorkflowError(_("Hanya artikel yang sedang ditinjau yang dapat diterbitkan."))
    if not can_publish(session, user, article, catalog, single_member):
        raise WorkflowError(_("Penerbitan perlu orang kedua dari unit pemilik: ketua unit atau editor FAQ."))
    current = latest(session, article)
    before = {"status": article.status, "revisi_terbit": article.published_revision}
    article.status, article.published_revision = PUBLISHED, current.number
    article.last_reviewed, article.edited, article.updated_at = today(), False, now()
    audit.record(session, actor_id=user.id, action="faq.publish", object_type="faq_article", object_id=article.slug,
                 before=before, after={"status": PUBLISHED, "revisi_terbit": current.number},
                 summary=article.title)  # fmt: skip
    return current


def archive(session: Session, article: FaqArticle, user, catalog: Catalog, successor: str) -> None:
    """Take an article off the site; its URL then redirects (301) to the published ``successor``."""
    unit = owner_unit(catalog, article.code) or ""
    if not can_edit(user, article, catalog) or not editors.may_publish(session, user, unit):
        raise WorkflowError(_("Hanya ketua unit atau editor FAQ unit pemilik yang dapat mengarsipkan artikel."))
    target = session.scalar(select(FaqArticle).where(FaqArticle.slug == successor))
    if target is None or target.id == article.id or target.published_revision is None:
        raise WorkflowError(_("Pilih artikel pengganti yang sudah terbit."))
    before = {"status": article.status, "revisi_terbit": article.published_revision}
    article.status, article.published_revision, article.successor_slug = ARCHIVED, None, successor
    article.updated_at = now()
    audit.record(
        session,
        actor_id=user.id,
        action="faq.archive",
        object_type="faq_article",
        object_id=article.slug,
        before=before,
        after={"status": ARCHIVED, "pengganti": successor},
        summary=article.title,
    )


def restore(session: Session, article: FaqArticle, number: int, user, catalog: Catalog) -> FaqRevision:
    """Copy an old revision into the working copy as a new draft revision."""
    old = revision(session, article, number)
    if old is None:
        raise WorkflowError(_("Revisi tidak ditemukan."))
    draft = Draft(title=old.title, codes=list(old.codes), tags=list(old.tags), synonyms=list(old.synonyms),
                  related=list(old.related), body=old.body, review_by=article.review_by)  # fmt: skip
    save(session, article, article.slug, draft, user, f"Dipulihkan dari revisi {number}", catalog)
    new = latest(session, article)
    audit.record(
        session,
        actor_id=user.id,
        action="faq.restore",
        object_type="faq_article",
        object_id=article.slug,
        after={"dari_revisi": number, "revisi_baru": new.number},
        summary=article.title,
    )
    return new


def _lines(rev: FaqRevision) -> list[str]:
    head = [f"Judul: {rev.title}", f"Kode: {', '.join(rev.codes)}", f"Tag: {', '.join(rev.tags)}",
            f"Sinonim: {', '.join(rev.synonyms)}", f"Terkait: {', '.join(rev.related)}", ""]  # fmt: skip
    return head + rev.body.splitlines()


def diff(old: FaqRevision, new: FaqRevision) -> list[str]:
    """A unified diff of two revisions (metadata lines, then the body)."""
    return list(difflib.unified_diff(_lines(old), _lines(new), f"revisi {old.number}", f"revisi {new.number}",
                                     lineterm=""))  # fmt: skip


def successor_of(session: Session, slug: str) -> FaqArticle | None:
    """The published article an archived slug now points to, if any."""
    article = session.scalar(select(FaqArticle).where(FaqArticle.slug == slug, FaqArticle.status == ARCHIVED))
    if article is None or not article.successor_slug:
        return None
    target = session.scalar(select(FaqArticle).where(FaqArticle.slug == article.successor_slug))
    return target if target is not None and target.published_revision is not None else None


def free_slug(session: Session, title: str) -> str:
    """An address for a new article made from its title ("akun-sakti-terkunci"), unused so far."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:80].strip("-") or "artikel-faq"
    taken = set(session.scalars(select(FaqArticle.slug).where(FaqArticle.slug.like(f"{base}%"))))
    number, slug = 1, base
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug
