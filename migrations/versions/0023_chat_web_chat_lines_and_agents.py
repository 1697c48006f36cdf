"""chat, chat_message, chat_agent: web chat (B.1 d), its lines and agents' availability

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-07 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('visitor_name', sa.String(length=120), nullable=False),
    sa.Column('visitor_email', sa.String(length=254), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('about_reference', sa.String(length=24), nullable=False),
    sa.Column('unit', sa.String(length=80), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('agent_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('accepted_at', UTCDateTime(), nullable=True),
    sa.Column('last_activity_at', UTCDateTime(), nullable=False),
    sa.Column('ended_at', UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=False),
    sa.Column('last_message_id', sa.Integer(), nullable=False),
    sa.Column('siap_pointed', sa.Boolean(), nullable=False),
    sa.Column('ticket_reference', sa.String(length=24), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['user_account.id'], name=op.f('fk_chat_agent_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_chat_submission_key'))
    )
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_last_activity_at'), ['last_activity_at'], unique=False)
        batch_op.create_index('ix_chat_state_unit', ['state', 'unit'], unique=False)

    op.create_table('chat_agent',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('units', sa.String(length=400), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('seen_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_chat_agent_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_chat_agent'))
    )
    op.create_table('chat_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=10), nullable=False),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_chat_message_chat_id_chat'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_message'))
    )
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_message_chat_id'), ['chat_id'], unique=False)



def downgrade():
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_message_chat_id'))

    op.drop_table('chat_message')
    op.drop_table('chat_agent')
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_state_unit')
        batch_op.drop_index(batch_op.f('ix_chat_last_activity_at'))

    op.drop_table('chat')
