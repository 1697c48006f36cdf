"""Encrypted attachments on disk: random names, sealed metadata, deletion with the row."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.files import private_dir, private_opener
from portal.siap import context, crypto
from portal.siap.models import Complaint, ComplaintEntry, ComplaintFile

_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.bin$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FileRefused(ValueError):
    """An upload was refused; the message is for the user."""


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the browser sent and its byte stream."""

    name: str
    stream: BinaryIO


@dataclass(frozen=True)
class FileInfo:
    """A decrypted attachment description for a page."""

    ref: str
    name: str
    size: int


def clean_name(name: str) -> str:
    """Keep only the last path component, without control characters, at most 150 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _CONTROL.sub("", base).strip().lstrip(".")
    return base[-150:] or "berkas"


def path_of(stored_name: str) -> Path:
    """Return the path of a stored file, refusing anything that is not one of our names."""
    if not _STORED_NAME.match(stored_name):
        raise ValueError("not a SIAP file name")
    return context.get().files_dir / stored_name


def store(complaint: Complaint, entry: ComplaintEntry, uploads: list[Upload], written: list[Path]) -> None:
    """Encrypt each upload to the complaint's key and attach it to ``entry``.

    Paths of files written are appended to ``written`` so the caller can remove them if
    the database transaction fails.
    """
    limit = current_app.config["SIAP_MAX_FILE_BYTES"]
    private_dir(context.get().files_dir)
    for upload in uploads:
        stored_name = f"{secrets.token_hex(16)}.bin"
        path = path_of(stored_name)
        written.append(path)
        with open(path, "xb", opener=private_opener) as target:
            try:
                sealed_key, size = crypto.encrypt_file(complaint.public_key, upload.stream, target, limit)
            except ValueError as exc:
                raise FileRefused(
                    _l("Berkas %(name)s melebihi batas ukuran.", name=clean_name(upload.name))
                ) from exc
        meta = crypto.seal_json(complaint.public_key, {"name": clean_name(upload.name), "size": size})
        entry.attachments.append(
            ComplaintFile(
                ref=secrets.token_hex(12),
                complaint=complaint,
                stored_name=stored_name,
                sealed_file_key=sealed_key,
                meta=meta,
            )
        )


def describe(attachment: ComplaintFile, complaint_key: bytes) -> FileInfo:
    """Decrypt an attachment's name and size."""
    meta = crypto.unseal_json(complaint_key, attachment.meta)
    return FileInfo(attachment.ref, meta["name"], meta["size"])


def read(attachment: ComplaintFile, complaint_key: bytes) -> tuple[str, bytes]:
    """Return the name and the decrypted bytes of an attachment."""
    info = describe(attachment, complaint_key)
    with open(path_of(attachment.stored_name), "rb") as source:
        return info.name, crypto.decrypt_file(complaint_key, attachment.sealed_file_key, source)


def remove(paths: list[Path]) -> None:
    """Delete files, ignoring those already gone."""
    for path in paths:
        path.unlink(missing_ok=True)


def attachment_paths(complaint: Complaint) -> list[Path]:
    """Return the paths of every file of a complaint."""
    return [path_of(a.stored_name) for a in complaint.attachments]
