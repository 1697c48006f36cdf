"""baseline: empty help desk schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 22:45:30.956094

"""
# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # The catalog lives in a data file, not in the database; the first tables come with
    # the features that store something (FAQ feedback, tickets). This revision gives every
    # database a known starting point.
    pass


def downgrade():
    pass
