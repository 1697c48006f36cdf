"""Every public page, in Indonesian and in English, is valid HTML according to the current Nu HTML checker (vnu).

The pages are rendered with the test client into a temporary folder and checked in one Java
call (the JVM start is most of the cost). The checker is vnu-jar from npm, fetched once into the
git-ignored ``.ci-cache/``; locally the test skips when java or npm is missing, in CI it fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from tests.browser.support import ROOT, expected_status, missing_tool, public_pages

VNU_VERSION = "26.9.27"
VNU_CACHE = ROOT / ".ci-cache" / "vnu-jar" / VNU_VERSION
VNU_JAR = VNU_CACHE / "package" / "build" / "dist" / "vnu.jar"


def vnu_jar() -> Path:
    """Return the checker's jar, fetching it with ``npm pack`` the first time."""
    if VNU_JAR.is_file():
        return VNU_JAR
    npm = shutil.which("npm")
    if npm is None:
        missing_tool(f"npm is needed once to fetch vnu-jar {VNU_VERSION} into {VNU_CACHE}")
    VNU_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=VNU_CACHE) as tmp:
        subprocess.run(
            [npm, "pack", "-q", f"vnu-jar@{VNU_VERSION}"], cwd=tmp, check=True, capture_output=True, timeout=600
        )
        with tarfile.open(Path(tmp) / f"vnu-jar-{VNU_VERSION}.tgz") as tar:
            tar.extractall(tmp, filter="data")
        if not VNU_JAR.is_file():  # another run may have finished first
            (Path(tmp) / "package").rename(VNU_JAR.parents[2])
    return VNU_JAR


def file_name(path: str) -> str:
    """A file name for the page at ``path``."""
    return (re.sub(r"[^A-Za-z0-9._-]+", "_", path.strip("/")) or "index") + ".html"


def describe(message: dict, by_file: dict[str, str]) -> str:
    """One line per checker message: page, line, column, message, and the markup around it."""
    url = message.get("url", "")
    where = f"{by_file.get(unquote(urlparse(url).path), url)}:{message.get('lastLine', '?')}"
    extract = " ".join(message.get("extract", "").split())
    return f"{where}: {message['message']}" + (f"  [{extract}]" if extract else "")


def nu_errors(files: dict[Path, str]) -> list[str]:
    """Check the saved pages (file → URL path) in one Nu checker run; return its errors, one line each."""
    java = shutil.which("java")
    if java is None:
        missing_tool("java is needed to run the Nu HTML checker (apt-get install default-jre-headless)")
    jar = vnu_jar()
    options = ["--errors-only", "--asciiquotes", "--format", "json", "--exit-zero-always"]
    run = subprocess.run(
        [java, "-jar", str(jar), *options, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, f"the Nu checker did not run: {run.stderr[-2000:]}"
    report = json.loads(run.stderr)
    by_file = {str(target): path for target, path in files.items()}
    return [describe(m, by_file) for m in report["messages"] if m["type"] != "info"]


def save_page(files: dict[Path, str], folder: Path, path: str, body: bytes) -> None:
    """Write one rendered page into ``folder`` under a name of its own, for ``nu_errors``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(path)
    assert target not in files, f"two pages map to {target.name}"
    target.write_bytes(body)
    files[target] = path


def test_public_pages_are_valid_html(make_app, tmp_path):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()  # as in production: forms carry their token
    files: dict[Path, str] = {}
    # Both languages, in one checker run: English pages add their own markup (the glosses'
    # <span lang="id">, other lengths of text in the same elements).
    for language in ("id", "en"):
        for path in public_pages():
            response = client.get(path, headers={"Accept-Language": language})
            assert response.status_code == expected_status(path), f"{path} answered {response.status_code}"
            save_page(files, tmp_path / language, path, response.data)
    errors = nu_errors(files)
    assert not errors, f"{len(errors)} HTML errors (Nu checker {VNU_VERSION}):\n" + "\n".join(errors)
