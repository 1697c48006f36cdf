"""performance_snapshot, performance_figure: the stored figures of the public page /kinerja

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('performance_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('computed_at', UTCDateTime(), nullable=False),
    sa.Column('window_start', UTCDateTime(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_snapshot'))
    )
    op.create_index(op.f('ix_performance_snapshot_computed_at'), 'performance_snapshot', ['computed_at'], unique=False)
    op.create_table('performance_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('norm_hours', sa.Integer(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('compliant', sa.Integer(), nullable=False),
    sa.Column('median_hours', sa.Float(), nullable=True),
    sa.Column('survey_count', sa.Integer(), nullable=False),
    sa.Column('survey_average', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['snapshot_id'], ['performance_snapshot.id'], name=op.f('fk_performance_figure_snapshot_id_performance_snapshot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_figure'))
    )
    op.create_index(op.f('ix_performance_figure_snapshot_id'), 'performance_figure', ['snapshot_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_performance_figure_snapshot_id'), table_name='performance_figure')
    op.drop_table('performance_figure')
    op.drop_index(op.f('ix_performance_snapshot_computed_at'), table_name='performance_snapshot')
    op.drop_table('performance_snapshot')
