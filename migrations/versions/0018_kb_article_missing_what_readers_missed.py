"""kb_article_missing: after "Tidak", what the reader said was missing (short text, per day)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kb_article_missing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article_missing')),
    sa.UniqueConstraint('slug', 'day', 'text', name='uq_kb_article_missing_slug_day_text')
    )
    op.create_index(op.f('ix_kb_article_missing_slug'), 'kb_article_missing', ['slug'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_kb_article_missing_slug'), table_name='kb_article_missing')
    op.drop_table('kb_article_missing')
