"""``flask users …``: create accounts from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.auth import service
from portal.auth.models import ROLES
from portal.extensions import db

users_cli = AppGroup("users", help="Kelola akun staf dan pengguna internal.")


@users_cli.command("create")
@click.option("--email", required=True, help="Alamat e-mail (dipakai untuk masuk).")
@click.option("--name", required=True, help="Nama lengkap.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="Peran akun.")
@click.option("--unit", "units", multiple=True, help="Unit pemilik layanan (boleh lebih dari satu).")
@click.option("--user-type", type=int, help="Jenis pengguna 2, 3, 8, atau 9 untuk pengguna internal.")
@click.option("--password", envvar="PORTAL_NEW_PASSWORD", help="Kata sandi; tanpa ini dibuat acak dan dicetak sekali.")
def create(email: str, name: str, role: str, units: tuple[str, ...], user_type: int | None, password: str | None):
    """Create an account; print the generated password once when none is given."""
    generated = password is None
    password = password or service.generate_password()
    known = service.owner_units(current_app.extensions["catalog"])
    try:
        user = service.create_user(
            db.session(),
            email=email,
            name=name,
            role=role,
            password=password,
            units=list(units),
            known_units=known,
            user_type=user_type,
            ph=service.hasher(current_app.config["ARGON2_MEMORY_KIB"]),
        )
    except service.AuthError as exc:
        click.echo(f"GALAT: {exc}", err=True)
        click.echo(f"Unit yang dikenal: {', '.join(known)}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"Akun {user.email} ({user.role}; {', '.join(user.unit_names) or '-'}) dibuat.")
    if generated:
        click.echo(f"Kata sandi (hanya ditampilkan sekali): {password}")
