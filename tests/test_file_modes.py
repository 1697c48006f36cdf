"""Files under instance/ are private whatever the umask (issue #13, item 12): folders 0700, files 0600."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from portal.core import files
from tests.siap.conftest import SIAP_TEST_CONFIG, complaint_data, member  # noqa: F401  (fixture)
from tests.tickets.conftest import VALID

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    """The usual umask, under which plain creation gives 0755 folders and 0644 files."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def app(make_app, umask_022):
    # Named empty, the databases fall back to SQLite files in the instance folder, even on the
    # PostgreSQL pass: file modes are about the embedded default.
    return make_app(SQLALCHEMY_DATABASE_URI="", SQLALCHEMY_BINDS={"siap": ""}, **SIAP_TEST_CONFIG)


def test_everything_under_instance_is_private(app, member):  # noqa: F811  (fixture imported above)
    client = app.test_client()
    sent = client.post(
        "/permintaan/BCSM.02.01/pembuatan-tiket",
        data={**VALID, "lampiran": [(io.BytesIO(PDF), "bukti.pdf")]},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303, sent.get_data(as_text=True)[:1000]
    filed = app.test_client().post(
        "/siap/lapor", data={**complaint_data(), "berkas": [(io.BytesIO(b"bukti"), "bukti.txt")]}
    )
    assert filed.status_code == 303, filed.get_data(as_text=True)[:1000]  # to the receipt, shown once

    instance = Path(app.instance_path)
    assert mode(instance) == 0o700
    expected = {
        "portal.db": 0o600,
        "siap.db": 0o600,
        "secret_key": 0o600,
        "uploads": 0o700,
        "uploads/tickets": 0o700,
        "siap_files": 0o700,
        "outbox": 0o700,
    }
    assert {name: mode(instance / name) for name in expected} == expected
    assert len(list((instance / "uploads" / "tickets").iterdir())) == 1
    assert len(list((instance / "outbox").glob("*.eml"))) == 1
    assert len(list((instance / "siap_files").iterdir())) == 1
    everything = list(instance.rglob("*"))
    assert any(p.name == "portal.db-wal" for p in everything)  # SQLite's journals follow the database's mode
    loose = {str(p.relative_to(instance)): oct(mode(p)) for p in everything if mode(p) & 0o077}
    assert loose == {}


def test_helpers_ignore_a_permissive_umask(tmp_path):
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    old = os.umask(0)
    try:
        folder = files.private_dir(existing / "a" / "b")
        files.write_private(folder / "f", b"x")
        assert files.ensure_private_file(folder / "db") is True
        assert files.ensure_private_file(folder / "db") is False
        with pytest.raises(FileExistsError):
            files.write_private(folder / "f", b"y", exclusive=True)
    finally:
        os.umask(old)
    assert [mode(p) for p in (existing / "a", folder, folder / "f", folder / "db")] == [0o700, 0o700, 0o600, 0o600]
    assert mode(existing) == 0o755  # an existing folder is the operator's to change
