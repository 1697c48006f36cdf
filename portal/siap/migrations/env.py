"""Alembic environment of the SIAP database: the ``siap`` bind and its own metadata.

Kept apart from the help desk's migrations so the complaints can live in a separate
database (a second SQLite file, or a separate PostgreSQL database) with its own history.
The version table has its own name in case both ever share one database.
"""

from alembic import context
from flask import current_app

BIND = "siap"
VERSION_TABLE = "siap_alembic_version"

config = context.config
target_db = current_app.extensions["migrate"].db


def get_engine():
    """Return the engine of the SIAP bind."""
    return target_db.engines[BIND]


def get_metadata():
    """Return the metadata of the SIAP models only."""
    import portal.siap.models  # noqa: F401  (registers the tables)

    return target_db.metadatas[BIND]


def render_item(type_, obj, autogen_context):
    """Write UTCDateTime and HourDateTime as a plain timezone-aware DateTime in migrations."""
    if type_ == "type" and type(obj).__name__ in ("UTCDateTime", "HourDateTime"):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline():
    """Emit SQL for the SIAP database without connecting."""
    url = get_engine().url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Apply the SIAP migrations on the bind's engine."""
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("render_item", render_item)
    with get_engine().connect() as connection:
        context.configure(
            connection=connection, target_metadata=get_metadata(), version_table=VERSION_TABLE, **conf_args
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
