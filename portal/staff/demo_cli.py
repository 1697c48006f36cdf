"""``flask demo seed``: example staff and tickets, so a new install shows a working back office."""

from __future__ import annotations

import random

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.clock import now
from portal.core.desk import get_calendar
from portal.core.filestore import file_store
from portal.extensions import db
from portal.staff import demo

demo_cli = AppGroup("demo", help="Data contoh untuk mencoba back office (tidak pernah dibuat otomatis).")


@demo_cli.command("seed")
@click.option(
    "--tickets", "count", type=click.IntRange(0, 5000), default=300, show_default=True, help="Jumlah tiket contoh."
)
@click.option("--seed", "random_seed", type=int, default=None, help="Benih acak, untuk data yang sama setiap kali.")
def seed(count: int, random_seed: int | None) -> None:
    """Create an agent and a lead per unit, an administrator, example tickets and SIAP's unit key.

    Refused a second time, and always when the configuration looks like production.
    """
    refusal = demo.production_reason(current_app.config)
    if refusal:
        click.echo(f"GALAT: data demo tidak dibuat di produksi ({refusal}).", err=True)
        raise SystemExit(1)
    try:
        report = demo.seed(
            db.session(),
            catalog=current_app.extensions["catalog"],
            calendar=get_calendar(),
            request_types=current_app.extensions["request_types"],
            upload_dir=file_store(current_app, "tickets"),
            now=now(),
            count=count,
            rng=random.Random(random_seed),  # noqa: S311  (sample data, not secrets)
            memory_kib=current_app.config["ARGON2_MEMORY_KIB"],
        )
    except demo.DemoError as exc:
        click.echo(f"GALAT: {exc}", err=True)
        raise SystemExit(1) from exc
    click.echo("Akun contoh (kata sandi hanya ditampilkan sekali ini):")
    for email, role, unit, password in report.accounts:
        click.echo(f"  {email:<44} {role:<6} {unit:<24} {password}")
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(report.statuses.items()))
    click.echo(f"{report.tickets} tiket contoh ({statuses}); {report.surveys} penilaian survei.")
    for line in demo.announce(db.session(), report):
        click.echo(line)
    click.echo("Masuk di /staf/masuk dengan salah satu akun di atas.")
