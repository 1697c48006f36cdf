"""faq_article, faq_revision: FAQ articles authored by the units, and every saved revision

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('faq_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('synonyms', sa.JSON(), nullable=False),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('last_reviewed', sa.Date(), nullable=True),
    sa.Column('review_by', sa.Date(), nullable=True),
    sa.Column('published_revision', sa.Integer(), nullable=True),
    sa.Column('baseline_hash', sa.String(length=64), nullable=True),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('successor_slug', sa.String(length=120), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_article')),
    sa.UniqueConstraint('slug', name=op.f('uq_faq_article_slug'))
    )
    with op.batch_alter_table('faq_article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_article_code'), ['code'], unique=False)

    op.create_table('faq_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('synonyms', sa.JSON(), nullable=False),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['faq_article.id'], name=op.f('fk_faq_revision_article_id_faq_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_revision')),
    sa.UniqueConstraint('article_id', 'number', name='uq_faq_revision_article_id_number')
    )
    with op.batch_alter_table('faq_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_revision_article_id'), ['article_id'], unique=False)


def downgrade():
    with op.batch_alter_table('faq_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_revision_article_id'))
    op.drop_table('faq_revision')
    with op.batch_alter_table('faq_article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_article_code'))
    op.drop_table('faq_article')
