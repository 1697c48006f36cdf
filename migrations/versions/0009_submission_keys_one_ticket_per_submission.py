"""submission keys: one ticket per submission (form key, API Idempotency-Key)

Each row is written in the transaction of the ticket it created, so a retried submission finds
it whenever the ticket exists. Rows older than IDEMPOTENCY_KEY_HOURS (24 by default) are ignored
and deleted at the next submission.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('variant', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('sealed_answer', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_submission_key_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_key')),
    sa.UniqueConstraint('scope', 'key_hash', 'variant', name=op.f('uq_submission_key_scope'))
    )
    with op.batch_alter_table('submission_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_key_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_key_ticket_id'), ['ticket_id'], unique=False)


def downgrade():
    with op.batch_alter_table('submission_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_key_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_submission_key_created_at'))

    op.drop_table('submission_key')
