"""stored_file: uploaded files kept in the database, for several nodes (FILE_STORE=database)

The embedded default keeps attachments in instance/uploads; a deployment on several nodes sets
FILE_STORE=database, and every node then reads the bytes from this table (portal/core/filestore.py).

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-06 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_file',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_stored_file'))
    )


def downgrade():
    op.drop_table('stored_file')
