"""tickets: server-side grants to requesters' threads

Access to a thread used to be a list of references in the signed session cookie, with no expiry
of its own and no way to revoke it. Each grant is now a row: the cookie holds only a random id
(stored here as its SHA-256), the token generation it came from (NULL for the e-mail check) and
its own expiry. Grants kept in old cookies are simply no longer honoured: the requester opens the
private link again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ticket_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_grant_ticket_id_ticket'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_grant')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_ticket_grant_secret_hash')),
    )
    with op.batch_alter_table('ticket_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_grant_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_grant_ticket_id'), ['ticket_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_grant_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_grant_expires_at'))
    op.drop_table('ticket_grant')
