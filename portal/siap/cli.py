"""``flask siap …``: create the unit key, expire old complaints, migrate the SIAP database."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.clock import now
from portal.extensions import db

siap_cli = AppGroup("siap", help="Kelola SIAP (pengaduan WBSM.01).")


@siap_cli.command("init-unit")
@click.option("--email", required=True, help="E-mail akun anggota Sekretariat pertama.")
@click.option(
    "--password",
    prompt="Kata sandi akun",
    hide_input=True,
    envvar="PORTAL_SIAP_PASSWORD",
    help="Kata sandi akun tersebut (ditanyakan bila tidak diberikan).",
)
def init_unit(email: str, password: str):
    """Create the Secretariat's unit key with its first member.

    The member's key pair is wrapped by their account password; the unit key is sealed
    to it. Further members are given access from the SIAP workspace.
    """
    from portal.auth.service import AuthError, account_by_email, normalise_email
    from portal.siap import members
    from portal.siap.service import SiapError

    try:
        address = normalise_email(email)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    user = account_by_email(db.session(), address)
    if user is None:
        raise click.ClickException(f"Akun {address} tidak ditemukan.")
    recovery = current_app.config.get("SIAP_RECOVERY_PUBLIC_KEY") or ""
    try:
        members.init_unit(db.session(), user, password, bytes.fromhex(recovery) if recovery else None)
    except SiapError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Kunci unit SIAP dibuat; {user.email} adalah anggota pertama.")
    if recovery:
        click.echo("Salinan kunci unit disegel untuk kunci pemulihan luring.")


@siap_cli.command("expire")
def expire():
    """Delete closed complaints older than SIAP_RETENTION_DAYS: rows, files and keys."""
    from portal.siap import retention

    count = retention.expire(db.session(), now())
    days = current_app.config["SIAP_RETENTION_DAYS"]
    click.echo(f"{count} pengaduan yang ditutup lebih dari {days} hari lalu dihapus.")


@siap_cli.command("db-upgrade")
def db_upgrade():
    """Apply the SIAP database migrations (when AUTO_MIGRATE is off)."""
    from flask_migrate import upgrade

    from portal.siap.context import MIGRATIONS

    upgrade(directory=str(MIGRATIONS))
    click.echo("Basis data SIAP mutakhir.")
