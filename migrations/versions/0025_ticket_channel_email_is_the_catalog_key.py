"""ticket.channel: mail to the desk is stored under the catalog's key "email" (B.1 b), not "e-mail"

Mail ingest wrote "e-mail" while staff registering a mailed request wrote the catalog's key
"email", so the dashboard counted one channel on two rows. Data only; no schema change.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 07:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE ticket SET channel = 'email' WHERE channel = 'e-mail'")


def downgrade():
    # Nothing to undo: the rows written "e-mail" can no longer be told from the others, and
    # "email" is the catalog's own key, which the older code displays as well.
    pass
