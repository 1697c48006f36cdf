"""job_lock and ticket alert columns: the runner of flask jobs run, norma-waktu alerts, reminders

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_lock',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('holder', sa.String(length=32), nullable=True),
    sa.Column('held_until', UTCDateTime(), nullable=True),
    sa.Column('last_run_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_lock'))
    )
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert75_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('alert100_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('next_alert_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('requester_reminded_at', UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_next_alert_at'), ['next_alert_at'], unique=False)
    op.create_table('staff_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ticket_reference', sa.String(length=24), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('read_at', UTCDateTime(), nullable=True),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('mailed_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notification'))
    )
    op.create_index('ix_staff_notification_user_read', 'staff_notification', ['user_id', 'read_at'], unique=False)
    op.create_index('ix_staff_notification_pending_digest', 'staff_notification', ['digest', 'mailed_at'], unique=False)
    op.create_table('staff_notification_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_notification_preference_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_staff_notification_preference'))
    )


def downgrade():
    op.drop_table('staff_notification_preference')
    op.drop_index('ix_staff_notification_pending_digest', table_name='staff_notification')
    op.drop_index('ix_staff_notification_user_read', table_name='staff_notification')
    op.drop_table('staff_notification')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_next_alert_at'))
        batch_op.drop_column('requester_reminded_at')
        batch_op.drop_column('next_alert_at')
        batch_op.drop_column('alert100_at')
        batch_op.drop_column('alert75_at')
    op.drop_table('job_lock')
