"""Private files: everything the portal writes under ``instance/`` is readable by its owner only.

Modes are set explicitly (``chmod`` after creating) rather than left to the process umask: the
usual 022 would make the databases, uploads and the outbox's private links world-readable, and an
operator cannot be expected to start every server, CLI and cron job with ``umask 077``.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` and any missing parents with mode 0700; existing folders are left as they are."""
    target = Path(path)
    missing, folder = [], target
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # another worker made it first
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode passes through the umask
    return target


def private_opener(path: str | os.PathLike, flags: int) -> int:
    """``open(…, opener=private_opener)``: a file created by the call gets mode 0600, whatever the umask."""
    fd = os.open(path, flags, FILE_MODE)
    try:
        if flags & os.O_CREAT:
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def write_private(path: str | os.PathLike, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` (mode 0600); with ``exclusive``, fail if the file exists."""
    with open(path, "xb" if exclusive else "wb", opener=private_opener) as target:
        target.write(data)


def ensure_private_file(path: str | os.PathLike) -> bool:
    """Create an empty 0600 file at ``path`` unless one exists; return whether it was created.

    SQLite creates its database with mode 0644 under the usual umask; an empty file is a valid
    empty database, and SQLite keeps the mode of the file it opens (its -wal and -shm files too).
    """
    try:
        with open(path, "xb", opener=private_opener):
            return True
    except FileExistsError:
        return False
