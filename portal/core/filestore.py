"""Where uploaded files are kept: a seam with two stores, chosen by the ``FILE_STORE`` setting.

- ``local`` (the embedded default): a private folder of the instance (``instance/uploads/<area>``),
  one file per upload under a random name, as before.
- ``database``: the table ``stored_file`` of the help desk's database. Every node reaches it, so a
  file uploaded through one node downloads through any other; the bytes are written in the
  transaction of the row that refers to them, so a rolled-back submission leaves no orphan.

S3-compatible object storage would be the third store; nothing that serves S3 runs on this
machine's Debian (no MinIO), so it could not be tested and is not offered.
"""

from __future__ import annotations

import io
import logging
import secrets
from datetime import datetime
from pathlib import Path
from typing import Protocol

from flask import Flask, Response, send_file
from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import NotFound

from portal.core.clock import now
from portal.core.files import private_dir, write_private
from portal.core.models import UTCDateTime
from portal.extensions import Model, db

log = logging.getLogger(__name__)


class StoredFile(Model):
    """The bytes of one uploaded file, for deployments on several nodes (``FILE_STORE=database``)."""

    __tablename__ = "stored_file"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, as on disk
    area: Mapped[str] = mapped_column(String(40))  # "tickets": who owns it, for an operator's queries
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FileStore(Protocol):
    """Keep bytes under a name the store chooses; read them back; send them as a download."""

    def put(self, data: bytes) -> str:
        """Store ``data``; return its new random name."""
        ...

    def read(self, name: str) -> bytes:
        """The bytes stored as ``name`` (``FileNotFoundError`` when there are none)."""
        ...

    def send(self, name: str, *, mimetype: str, download_name: str) -> Response:
        """A response sending the file as an attachment, never cached."""
        ...


class LocalStore:
    """Files in a private folder of this machine."""

    def __init__(self, folder: Path):
        self.folder = folder

    def put(self, data: bytes) -> str:
        """Write ``data`` (mode 0600) under a new random name."""
        private_dir(self.folder)
        name = secrets.token_hex(16)
        write_private(self.folder / name, data, exclusive=True)
        return name

    def read(self, name: str) -> bytes:
        """Read a stored file."""
        return (self.folder / _checked(name)).read_bytes()

    def send(self, name: str, *, mimetype: str, download_name: str) -> Response:
        """Send the file from disk."""
        path = self.folder / _checked(name)
        if not path.is_file():
            raise _missing(name)
        return send_file(path, mimetype=mimetype, as_attachment=True, download_name=download_name, max_age=0)


class DatabaseStore:
    """Files in the table ``stored_file``, written with the caller's transaction (the request's session)."""

    def __init__(self, area: str):
        self.area = area

    def put(self, data: bytes) -> str:
        """Add the row; it is committed (or rolled back) with whatever refers to it."""
        name = secrets.token_hex(16)
        db.session.add(StoredFile(name=name, area=self.area, data=data, created_at=now()))
        return name

    def read(self, name: str) -> bytes:
        """Read a stored file."""
        row = db.session.get(StoredFile, name)
        if row is None:
            raise FileNotFoundError(name)
        return row.data

    def send(self, name: str, *, mimetype: str, download_name: str) -> Response:
        """Send the bytes from the database."""
        try:
            data = io.BytesIO(self.read(name))
        except FileNotFoundError:
            raise _missing(name) from None
        return send_file(data, mimetype=mimetype, as_attachment=True, download_name=download_name, max_age=0)


def _missing(name: str) -> NotFound:
    # A row whose file is gone (another node's folder with FILE_STORE=local, a lost disk): the
    # visitor gets "not found", the operator a line in the log.
    log.warning("stored file %s is missing from this node's store", name)
    return NotFound()


def _checked(name: str) -> str:
    # Names come from our own rows, but a path separator must never reach the file system.
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return name


def file_store(app: Flask, area: str) -> FileStore:
    """The store of ``area`` (e.g. "tickets") that the ``FILE_STORE`` setting chooses."""
    kind = app.config.get("FILE_STORE", "local")
    if kind == "database":
        return DatabaseStore(area)
    if kind == "local":
        return LocalStore(Path(app.instance_path) / "uploads" / area)
    raise ValueError(f"FILE_STORE must be 'local' or 'database', not {kind!r}")
