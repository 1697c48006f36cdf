"""routing: merged tickets, links, tracked forwards to linked units, the sub-scope → unit mapping

Revision ID: 0013
Revises: 0014
Create Date: 2026-12-06 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ticket_merged_into_id_ticket'), 'ticket', ['merged_into_id'], ['id'])

    op.create_table('ticket_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_ticket_link_actor_id_user_account')),
    sa.ForeignKeyConstraint(['other_id'], ['ticket.id'], name=op.f('fk_ticket_link_other_id_ticket'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_link_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_link')),
    sa.UniqueConstraint('ticket_id', 'other_id', name='uq_ticket_link_ticket_id_other_id')
    )
    with op.batch_alter_table('ticket_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_link_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_link_other_id'), ['other_id'], unique=False)

    op.create_table('ticket_forward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=160), nullable=False),
    sa.Column('channel', sa.String(length=60), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    sa.Column('their_reference', sa.String(length=120), nullable=False),
    sa.Column('acknowledged_at', UTCDateTime(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('reminded_at', UTCDateTime(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_ticket_forward_actor_id_user_account')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_forward_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_forward'))
    )
    with op.batch_alter_table('ticket_forward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_forward_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('unit_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=80), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_unit_mapping_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_mapping')),
    sa.UniqueConstraint('code', 'version', name='uq_unit_mapping_code_version')
    )
    with op.batch_alter_table('unit_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_mapping_code'), ['code'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_mapping_code'))
    op.drop_table('unit_mapping')
    with op.batch_alter_table('ticket_forward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_forward_ticket_id'))
    op.drop_table('ticket_forward')
    with op.batch_alter_table('ticket_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_link_other_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_link_ticket_id'))
    op.drop_table('ticket_link')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ticket_merged_into_id_ticket'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ticket_merged_into_id'))
        batch_op.drop_column('merged_into_id')
