"""A private Dovecot IMAP server on loopback, over TLS, for the tests of ``flask mail fetch``.

Debian's ``dovecot-imapd``, started without systemd from a generated ``dovecot.conf``: one user
in a passwd-file, maildir storage in a temporary folder, a self-signed certificate made here
(the client trusts it through ``MAIL_IMAP_CA_FILE``). Mail is stored as the current user; as
root (CI) Dovecot refuses uid 0 for mail, so the mailbox then belongs to ``nobody``.
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

from tests.servers import FAKETIME_VARIABLES, pause

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)


@dataclass(frozen=True)
class ImapServer:
    """Where the server listens and how to sign in."""

    host: str
    port: int
    user: str
    password: str
    ca_file: str

    def settings(self) -> dict:
        """The application settings that point ``flask mail fetch`` at this server."""
        return {
            "MAIL_IMAP_HOST": self.host,
            "MAIL_IMAP_PORT": self.port,
            "MAIL_IMAP_USER": self.user,
            "MAIL_IMAP_PASSWORD": self.password,
            "MAIL_IMAP_CA_FILE": self.ca_file,
        }

    def client(self) -> IMAPClient:
        """A signed-in client, for the test to put messages in and look at the folders."""
        context = ssl.create_default_context(cafile=self.ca_file)
        client = IMAPClient(self.host, port=self.port, ssl=True, ssl_context=context, timeout=20)
        client.login(self.user, self.password)
        return client


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    # Fixed dates, wide enough for CI's clock 400 days ahead.
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2049, 12, 31, tzinfo=UTC))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(folder: Path, port: int, cert: Path, key: Path, uid: int, gid: int) -> str:
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
instance_name = test-{port}
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def _wait_ready(server: ImapServer, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            server.client().logout()
            return
        except (OSError, ssl.SSLError, Exception):  # noqa: BLE001 - not listening yet
            log_text = log.read_text(errors="replace") if log.exists() else ""
            assert process.poll() in (None, 0) and time.monotonic() < deadline, f"dovecot did not start: {log_text}"
            pause(0.2)


@contextmanager
def dovecot_server() -> Iterator[ImapServer]:
    """Start Dovecot on a free loopback port with one empty mailbox; stop it on exit."""
    assert DOVECOT is not None
    folder = Path(tempfile.mkdtemp(prefix="portal-dovecot-"))
    try:
        if os.getuid() == 0:
            owner = pwd.getpwnam("nobody")
            uid, gid = owner.pw_uid, owner.pw_gid
            folder.chmod(0o755)  # the mail processes run as nobody and must reach their folders
        else:
            uid, gid = os.getuid(), os.getgid()
        for sub in ("run", "state", "mail", "home"):
            (folder / sub).mkdir()
        for sub in ("mail", "home"):
            os.chown(folder / sub, uid, gid)
        cert, key = _certificate(folder)
        (folder / "users").write_text("desk:{PLAIN}kata-sandi-imap\n")
        port = _free_port()
        conf = folder / "dovecot.conf"
        conf.write_text(_config(folder, port, cert, key, uid, gid))
        env = {k: v for k, v in os.environ.items() if k not in FAKETIME_VARIABLES}
        process = subprocess.Popen([DOVECOT, "-c", str(conf)], env=env)
        # The master forks into the background and this exits. No timeout: Popen.wait(timeout)
        # polls with time.sleep, which fails with EINVAL under libfaketime (CI's +400-day pass).
        process.wait()
        server = ImapServer("127.0.0.1", port, "desk", "kata-sandi-imap", str(cert))
        try:
            _wait_ready(server, process, folder / "dovecot.log")
            yield server
        finally:
            pid_file = folder / "run" / "master.pid"
            if pid_file.exists():
                master = int(pid_file.read_text().split()[0])
                os.kill(master, signal.SIGTERM)
                deadline = time.monotonic() + 15
                while time.monotonic() < deadline and Path(f"/proc/{master}").exists():
                    pause(0.1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
