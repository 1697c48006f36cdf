"""mail: incoming messages (one row per message, unique key) and bouncing addresses

``mail_inbound`` records what became of every message sent to the desk; its unique
``dedupe_key`` makes a message produce one ticket however many runs read it. ``mail_bounce``
keeps the addresses that delivery reports named, per ticket. Tickets without a catalog code
need no schema change (empty ``code``/``owner_unit``, see ``portal/tickets/triage.py``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_inbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=True),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('ticket_reference', sa.String(length=24), nullable=True),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('handled_at', UTCDateTime(), nullable=True),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_inbound')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_mail_inbound_dedupe_key'))
    )
    with op.batch_alter_table('mail_inbound', schema=None) as batch_op:
        batch_op.create_index('ix_mail_inbound_status_received_at', ['status', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_inbound_ticket_reference'), ['ticket_reference'], unique=False)

    op.create_table('mail_bounce',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('ticket_reference', sa.String(length=24), nullable=True),
    sa.Column('diagnostic', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_bounce'))
    )
    with op.batch_alter_table('mail_bounce', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_bounce_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_bounce_ticket_reference'), ['ticket_reference'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_bounce', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_bounce_ticket_reference'))
        batch_op.drop_index(batch_op.f('ix_mail_bounce_address'))

    op.drop_table('mail_bounce')
    with op.batch_alter_table('mail_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_inbound_ticket_reference'))
        batch_op.drop_index('ix_mail_inbound_status_received_at')

    op.drop_table('mail_inbound')
