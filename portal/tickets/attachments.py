"""Attachments: limits, type by content (not by name), safe names, storage outside static/."""

from __future__ import annotations

from dataclasses import dataclass

import filetype
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from portal.core.filestore import FileStore

# The types the help desk accepts, recognised by their first bytes (``filetype``).
ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
SNIFF_BYTES = 8192


class AttachmentError(ValueError):
    """A file breaks a limit or is not an accepted type; the message is for the user."""


@dataclass(frozen=True)
class Upload:
    """A checked file, read into memory, ready to be stored."""

    filename: str
    mimetype: str
    content: bytes


def incoming(files: list[FileStorage] | None) -> list[FileStorage]:
    """Drop the empty parts browsers send for a file input left blank."""
    return [f for f in files or [] if f and f.filename]


def check_uploads(files: list[FileStorage], max_bytes: int, max_count: int) -> list[Upload]:
    """Read and check every file; raise ``AttachmentError`` with a message naming the file."""
    files = incoming(files)
    if len(files) > max_count:
        raise AttachmentError(
            _("Maksimal %(max_count)s lampiran; Anda memilih %(count)s.", max_count=max_count, count=len(files))
        )
    uploads = []
    for storage in files:
        shown = _display_name(storage.filename)
        content = storage.stream.read(max_bytes + 1)
        if len(content) > max_bytes:
            raise AttachmentError(
                _(
                    'Lampiran "%(shown)s" lebih dari %(mb)s MB.',
                    shown=shown,
                    mb=max_bytes // (1024 * 1024),
                )
            )
        if not content:
            raise AttachmentError(_('Lampiran "%(shown)s" kosong.', shown=shown))
        kind = filetype.guess(content[:SNIFF_BYTES])
        mimetype = kind.mime if kind else ""
        if mimetype not in ALLOWED:
            raise AttachmentError(
                _(
                    'Lampiran "%(shown)s" bukan PDF, PNG, JPEG, XLSX, atau DOCX (isi berkas diperiksa, bukan namanya).',
                    shown=shown,
                )
            )
        uploads.append(
            Upload(filename=_safe_name(storage.filename, ALLOWED[mimetype]), mimetype=mimetype, content=content)
        )
    return uploads


def _display_name(name: str | None) -> str:
    return (secure_filename(name or "") or "berkas")[:60]


def _safe_name(name: str | None, extension: str) -> str:
    """A name without paths or odd characters, ending in the extension its content proves."""
    stem = secure_filename(name or "").rsplit(".", 1)[0][:80] or "lampiran"
    return f"{stem}.{extension}"


def store(upload: Upload, files: FileStore) -> str:
    """Keep a checked file in ``files`` (the local folder or the database); return its random name."""
    return files.put(upload.content)
