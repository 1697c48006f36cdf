"""``flask api-token …``: bearer tokens for channel integrations."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal.audit import service as audit
from portal.extensions import db

api_token_cli = AppGroup("api-token", help="Kelola token API integrasi kanal.")


@api_token_cli.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Create a token named NAME and print it once."""
    from portal.api.tickets import create_token
    from portal.tickets.models import ApiToken

    if db.session.scalars(select(ApiToken).where(ApiToken.name == name)).first():
        click.echo(f"GALAT: token bernama '{name}' sudah ada.", err=True)
        raise SystemExit(1)
    secret = create_token(db.session(), name)
    click.echo(f"Token '{name}' dibuat. Simpan sekarang; token tidak dapat ditampilkan lagi:")
    click.echo(secret)


@api_token_cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke the token named NAME."""
    from portal.tickets.models import ApiToken

    token = db.session.scalars(select(ApiToken).where(ApiToken.name == name)).first()
    if token is None:
        click.echo(f"GALAT: token '{name}' tidak ada.", err=True)
        raise SystemExit(1)
    token.revoked = True
    audit.record(db.session(), actor_id=None, action="api_token.revoke", object_type="api_token", object_id=name,
                 before={"dicabut": False}, after={"dicabut": True}, summary=f"Token API '{name}' dicabut")
    db.session.commit()
    click.echo(f"Token '{name}' dicabut.")
