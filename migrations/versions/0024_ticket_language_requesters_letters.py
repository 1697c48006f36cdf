"""ticket_language: the language a requester chose when filing, for their letters (#22)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ticket_language',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_language_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_ticket_language'))
    )


def downgrade():
    op.drop_table('ticket_language')
