"""audit trail: an append-only log of staff changes; "Tiket saya" links and sessions

One row per staff change (actor, time, action, object, before/after summary), written in the
transaction of the change. Triggers refuse UPDATE and DELETE on the table, on PostgreSQL and on
SQLite alike, so not even a hand-written statement through the application's role rewrites
history (the ORM refuses them as well, see portal.audit.setup). A superuser can still drop the
triggers: the log guards against mistakes and the application, not against the database owner.

"Tiket saya" (issue #19 item 6): my_tickets_link holds the SHA-256 of each single-use e-mailed
link token (30 minutes), my_tickets_grant the SHA-256 of each browser's list session id.

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-06 20:45:00

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    op.create_table('my_tickets_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_my_tickets_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_my_tickets_link_token_hash'))
    )
    with op.batch_alter_table('my_tickets_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_my_tickets_link_expires_at'), ['expires_at'], unique=False)
    op.create_table('my_tickets_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_my_tickets_grant')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_my_tickets_grant_secret_hash'))
    )
    with op.batch_alter_table('my_tickets_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_my_tickets_grant_expires_at'), ['expires_at'], unique=False)
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=80), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_object', ['object_type', 'object_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()"
        )
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_entry_no_truncate ON audit_entry")
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entry_no_update")
        op.execute("DROP TRIGGER audit_entry_no_delete")
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_object')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('my_tickets_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_my_tickets_grant_expires_at'))
    op.drop_table('my_tickets_grant')
    with op.batch_alter_table('my_tickets_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_my_tickets_link_expires_at'))
    op.drop_table('my_tickets_link')
