"""SIAP: one-time form keys; times kept in clear cut to the hour.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 17:50:00

Existing timestamps are truncated to the hour, as ``HourDateTime`` writes new ones.
Sessions are ended: their sealed payload now carries the exact time of last use, and
older rows do not (reporters open their complaint again with the receipt).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TIMES = {
    "siap_unit_key": ("id", ("created_at",)),
    "siap_member_key": ("user_id", ("created_at",)),
    "siap_grant": ("user_id", ("created_at", "keyed_at")),
    "siap_complaint": ("id", ("created_at", "updated_at", "closed_at", "forwarded_at")),
    "siap_entry": ("id", ("created_at",)),
    "siap_attachment": ("id", ("created_at",)),
    "siap_audit": ("id", ("at",)),
}


def _to_hour(value):
    return None if value is None else value.replace(minute=0, second=0, microsecond=0)


def upgrade():
    """Add the form-key table, cut stored times to the hour, end open sessions."""
    op.create_table('siap_form_key',
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_siap_form_key'))
    )
    with op.batch_alter_table('siap_form_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_siap_form_key_created_at'), ['created_at'], unique=False)

    connection = op.get_bind()
    for name, (key, columns) in TIMES.items():
        table = sa.table(name, sa.column(key), *(sa.column(c, sa.DateTime(timezone=True)) for c in columns))
        for row in connection.execute(sa.select(table)).mappings().all():
            values = {c: _to_hour(row[c]) for c in columns}
            if values != {c: row[c] for c in columns}:
                connection.execute(sa.update(table).where(table.c[key] == row[key]).values(**values))
    op.execute("DELETE FROM siap_session")


def downgrade():
    """Drop the form-key table (the finer times are gone for good)."""
    with op.batch_alter_table('siap_form_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_siap_form_key_created_at'))

    op.drop_table('siap_form_key')
