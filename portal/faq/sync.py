"""Between ``kb/`` and the database: import the shipped baseline, write published articles back.

``kb/`` is the baseline shipped in git (``KB_PATH``); the public site reads the database
(``portal.faq.live``) and ``flask kb export`` writes the published articles back here
(``write_published``; archived ones are removed). The import is idempotent: a file whose bytes
match what was last imported or written is skipped; a changed file updates an article only
when nobody edited it in the back office since, otherwise it is reported as a conflict and left alone.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import tomli_w
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.core.clock import now, today
from portal.faq.live import take
from portal.faq.models import ARCHIVED, PUBLISHED, FaqArticle, FaqRevision
from portal.kb.loader import ArticleError, split_front_matter

IMPORT_NOTE = "Impor dari kb/"


@dataclass
class ImportReport:
    """What one import did: slugs created, updated and skipped, and the conflicts (messages)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


def digest(data: bytes) -> str:
    """Hash of a file's bytes (what tells our own writes from a developer's change)."""
    return hashlib.sha256(data).hexdigest()


def _fields(meta: dict, body: str, folder: str) -> dict:
    codes = [str(c) for c in meta.get("codes", ())] or [folder]
    return {
        "title": str(meta.get("title", "")).strip(),
        "codes": codes,
        "code": folder,
        "tags": [str(t).lower() for t in meta.get("tags", ())],
        "synonyms": [str(t).lower() for t in meta.get("synonyms", ())],
        "related": [str(r) for r in meta.get("related", ())],
        "audience": [int(a) for a in meta.get("audience", ())],
        "body": body,
    }


def _snapshot(article: FaqArticle, number: int, author_id: int | None, note: str) -> FaqRevision:
    return FaqRevision(
        article_id=article.id, number=number, codes=list(article.codes), title=article.title,
        tags=list(article.tags), synonyms=list(article.synonyms), related=list(article.related),
        body=article.body, status=article.status, author_id=author_id, note=note[:300], created_at=now(),
    )  # fmt: skip


def _next_number(session: Session, article: FaqArticle) -> int:
    return (session.scalar(select(func.max(FaqRevision.number)).where(FaqRevision.article_id == article.id)) or 0) + 1


def add_revision(session: Session, article: FaqArticle, author_id: int | None, note: str) -> FaqRevision:
    """Snapshot the article's working copy as its next revision."""
    revision = _snapshot(article, _next_number(session, article), author_id, note)
    session.add(revision)
    session.flush()
    return revision


def import_baseline(session: Session, root: Path) -> ImportReport:
    """Load every ``<root>/<CODE>/<slug>.md`` as a published article (see the module docstring)."""
    report = ImportReport()
    existing = {a.slug: a for a in session.scalars(select(FaqArticle))}
    changed: list[tuple[FaqArticle, bool]] = []  # (article, new): revisions are added in one batch below
    for path in sorted(root.glob("*/*.md")):
        raw = path.read_bytes()
        name = path.relative_to(root).as_posix()
        try:
            meta, body = split_front_matter(raw.decode("utf-8"), name)
        except (ArticleError, UnicodeDecodeError) as exc:
            report.conflicts.append(str(exc))
            continue
        hashed, article = digest(raw), existing.get(path.stem)
        if article is not None and article.baseline_hash == hashed:
            report.unchanged += 1
            continue
        if article is not None and (article.edited or article.status == ARCHIVED):
            report.conflicts.append(f"{name}: artikel '{article.slug}' sudah diubah di back office; berkas dilewati")
            continue
        if article is None:
            article = FaqArticle(slug=path.stem)
            session.add(article)
            report.created.append(article.slug)
        else:
            report.updated.append(article.slug)
        for key, value in _fields(meta, body, path.parent.name).items():
            setattr(article, key, value)
        updated = meta.get("updated")
        article.last_reviewed = updated if isinstance(updated, date) else None
        article.status, article.baseline_hash, article.edited, article.updated_at = PUBLISHED, hashed, False, now()
        changed.append((article, article.id is None))
    if changed:
        # One flush for the articles (their ids) and one for the revisions: the first start of a
        # fresh install imports about a hundred, and a flush per row took most of its time.
        session.flush()
        stamp = take(session)  # one counter value for the whole import
        for article, new in changed:
            revision = _snapshot(article, 1 if new else _next_number(session, article), None, IMPORT_NOTE)
            session.add(revision)
            article.published_revision, article.public_seq = revision.number, stamp
        session.flush()
    return report


def file_text(revision: FaqRevision, article: FaqArticle) -> str:
    """The Markdown file of a revision: TOML front matter (the loader's format) and the body."""
    meta: dict = {"title": revision.title, "codes": list(revision.codes), "tags": list(revision.tags)}
    if revision.synonyms:
        meta["synonyms"] = list(revision.synonyms)
    meta["updated"] = article.last_reviewed or today()
    meta["related"] = list(revision.related)
    meta["audience"] = list(article.audience)
    body = revision.body if revision.body.startswith("\n") else "\n" + revision.body
    return f"+++\n{tomli_w.dumps(meta)}+++\n{body}"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}-{os.getpid()}")
    staging.write_bytes(data)
    os.replace(staging, path)


def remove_files(root: Path, slug: str, keep: Path | None = None) -> None:
    """Delete the article's file from every code folder (but ``keep``)."""
    for path in root.glob(f"*/{slug}.md"):
        if path != keep:
            path.unlink()


def write_published(session: Session, root: Path, article: FaqArticle) -> Path:
    """Write the article's published revision to ``root`` and remember its hash as the baseline."""
    revision = session.scalar(
        select(FaqRevision).where(
            FaqRevision.article_id == article.id, FaqRevision.number == article.published_revision
        )
    )
    if revision is None:
        raise ValueError(f"artikel {article.slug} belum diterbitkan")
    target = root / revision.codes[0] / f"{article.slug}.md"
    data = file_text(revision, article).encode("utf-8")
    _write_atomic(target, data)
    remove_files(root, article.slug, keep=target)
    article.baseline_hash = digest(data)
    return target


def export_published(session: Session, root: Path) -> int:
    """Write every published article to ``root``; remove the files of archived ones. Returns the count."""
    count = 0
    for article in session.scalars(select(FaqArticle).order_by(FaqArticle.slug)):
        if article.published_revision is not None:
            write_published(session, root, article)
            count += 1
        elif article.status == ARCHIVED:
            remove_files(root, article.slug)
    session.flush()
    return count
