"""Wire SIAP into an application: settings, database bind, blueprints (``routes``), gates, CLI.

Called from the factory before the database extension is bound, because the ``siap``
bind must be in ``SQLALCHEMY_BINDS`` when Flask-SQLAlchemy creates its engines.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_login import user_logged_out

from portal.core.errors import register_quiet_prefix
from portal.extensions import db
from portal.siap import context, crypto, display, gates, privacy, routes
from portal.siap.context import MIGRATIONS

PRODUCTION_MIN_MEMORY_KIB = 64 * 1024

DEFAULTS = {
    # Argon2id per derivation; production refuses less than 64 MiB (tests use tiny values).
    "SIAP_ARGON2_MEMORY_KIB": PRODUCTION_MIN_MEMORY_KIB,
    "SIAP_ARGON2_OPS": 3,
    "SIAP_KDF_CONCURRENCY": 2,  # derivations at once per process; more wait
    "SIAP_KDF_TIMEOUT": 30,  # seconds to wait for a slot before answering 503
    "SIAP_PEPPER": "",  # else generated into instance/siap_pepper
    "SIAP_RECOVERY_PUBLIC_KEY": "",  # hex X25519 public key of an offline recovery key pair
    "SIAP_FILES_PATH": "",  # default instance/siap_files
    "SIAP_IDLE_MINUTES": 30,
    "SIAP_RETENTION_DAYS": 90,
    "SIAP_MAX_FILES": 5,
    "SIAP_MAX_FILE_BYTES": 10 * 1024 * 1024,
    # Receipt sign-in throttles, counting failures only: per receipt typed and per client
    # (hashed address, IPv6 per /64). No service-wide refusal: anyone could spend it and
    # lock every reporter out. Guessing 100-bit receipts from many addresses is hopeless
    # anyway, and SIAP_KDF_CONCURRENCY bounds the work such traffic can cause.
    "SIAP_LOGIN_LIMIT_RECEIPT": "5 per 10 minutes",
    "SIAP_LOGIN_LIMIT_CLIENT": "10 per 10 minutes",
    # Filing: complaints per client, and uploaded bytes per hour for the whole service.
    "SIAP_REPORT_LIMIT_CLIENT": "5 per hour",
    # Messages on one's own complaint, per client: generous for a reporter, a wall for a script
    # that floods the Secretariat's thread from a stolen or shared session.
    "SIAP_MESSAGE_LIMIT_CLIENT": "30 per hour",
    "SIAP_UPLOAD_BYTES_PER_HOUR": 500 * 1024 * 1024,
    "SIAP_FORM_KEY_HOURS": 24,  # how long a complaint form's one-time key stays usable
}


def configure(app: Flask) -> None:
    """Fill in SIAP settings and the ``siap`` bind (a second SQLite file by default)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
    if not binds.get("siap"):
        binds["siap"] = f"sqlite:///{Path(app.instance_path) / 'siap.db'}"
    app.config["SQLALCHEMY_BINDS"] = binds
    memory = int(app.config["SIAP_ARGON2_MEMORY_KIB"])
    if memory < PRODUCTION_MIN_MEMORY_KIB and not app.testing:
        raise RuntimeError("SIAP_ARGON2_MEMORY_KIB must be at least 65536 (64 MiB) outside tests")


def init_app(app: Flask) -> None:
    """Configure SIAP and register everything it serves."""
    configure(app)
    cfg = app.config
    app.extensions["siap"] = context.SiapContext(
        pepper=context.load_pepper(cfg["SIAP_PEPPER"], app.instance_path, cfg.get("SECRET_KEY") or ""),
        kdf=crypto.Kdf(
            int(cfg["SIAP_ARGON2_MEMORY_KIB"]),
            int(cfg["SIAP_ARGON2_OPS"]),
            int(cfg["SIAP_KDF_CONCURRENCY"]),
            float(cfg["SIAP_KDF_TIMEOUT"]),
        ),
        files_dir=Path(cfg["SIAP_FILES_PATH"] or Path(app.instance_path) / "siap_files"),
    )
    # The factory's migration run applies this environment too (portal.core.dbsetup).
    app.extensions.setdefault("extra_migrations", []).append(str(MIGRATIONS))
    gates.init_app(app)
    _register_routes(app)
    _connect_signals(app)
    _register_cli(app)
    privacy.init_app(app)
    _register_errors(app)
    # Complaints are anonymous: an unexpected error under /siap logs no path and no message.
    register_quiet_prefix(app, "/siap", "SIAP")


def _register_routes(app: Flask) -> None:
    # The blueprints of routes.py: the reporter's pages, the assets, the Secretariat's workspace.
    for blueprint in routes.BLUEPRINTS:
        app.register_blueprint(blueprint)
    display.init_app(app)


def _connect_signals(app: Flask) -> None:
    from portal.auth.service import password_changed
    from portal.core.signals import demo_staff_created
    from portal.siap import members, sessions

    @user_logged_out.connect_via(app)
    def lock_on_sign_out(sender, user, **extra):
        # Signing out of the portal also locks SIAP: the unlocked unit key goes with it.
        if user is not None and getattr(user, "id", None) is not None:
            sessions.destroy_for_user(db.session(), user.id)

    @password_changed.connect_via(app)
    def carry_key_over(sender, user, old, new, **extra):
        # The member's key is wrapped by the account password: re-wrap it in the same commit.
        members.rewrap(db.session(), user.id, old, new)

    @demo_staff_created.connect_via(app)
    def demo_key_ceremony(sender, session, accounts, **extra):
        # Only `flask demo seed` sends this: SIAP can then be tried on a fresh install.
        return members.demo_for(session, accounts, sender.config.get("SIAP_RECOVERY_PUBLIC_KEY") or "")


def _register_cli(app: Flask) -> None:
    from portal.siap.cli import siap_cli

    app.cli.add_command(siap_cli)


def _register_errors(app: Flask) -> None:
    from flask import render_template
    from flask_babel import gettext as _

    from portal.siap.crypto import KdfBusy

    @app.errorhandler(KdfBusy)
    def kdf_busy(_error):
        # Every derivation slot stayed taken for SIAP_KDF_TIMEOUT seconds: ask to retry.
        title = _("Layanan sedang sibuk")
        text = _("Terlalu banyak permintaan diproses bersamaan. Silakan coba lagi beberapa saat lagi.")
        return render_template("errors/error.html", code=503, title=title, text=text), 503
