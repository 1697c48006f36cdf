"""Per-application SIAP state: the pepper, the key-derivation gate, where files go.

Built once by ``setup.init_app`` and kept in ``app.extensions["siap"]``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.siap.crypto import Kdf

PEPPER_FILE = "siap_pepper"

# The SIAP database's own Alembic environment (its tables live in the ``siap`` bind).
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class SiapContext:
    """Everything SIAP needs besides the database."""

    pepper: bytes
    kdf: Kdf
    files_dir: Path
    code: str = "WBSM.01"

    @property
    def unit(self) -> str:
        """Return the unit that owns WBSM.01 in the catalog (Sekretariat DJPb)."""
        return current_app.extensions["catalog"].get(self.code).owner


def get() -> SiapContext:
    """Return the SIAP context of the current application."""
    return current_app.extensions["siap"]


def load_pepper(configured: str | None, instance_path: str, secret_key: str) -> bytes:
    """Return the receipt pepper: ``SIAP_PEPPER`` or ``instance/siap_pepper`` (made once, 0600).

    It is deliberately a secret of its own: ``SECRET_KEY`` signs cookies and may be shared
    with other tools, and a leaked one must not also unlock the receipt look-up.
    """
    if configured:
        value = str(configured).encode()  # PORTAL_* values that look like JSON arrive parsed
    else:
        path = Path(instance_path) / PEPPER_FILE
        if not path.exists():
            # Written whole, then linked into place: concurrent workers never read half a pepper.
            tmp = path.with_name(f".{PEPPER_FILE}.{os.getpid()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        value = path.read_text().strip().encode()
    if len(value) < 32:
        raise RuntimeError("SIAP_PEPPER must be at least 32 characters")
    if value == secret_key.encode():
        raise RuntimeError("SIAP_PEPPER must not be the SECRET_KEY")
    return value
