"""faq public-change counter (faq_sequence, faq_article.public_seq), writing queue links, kb_search_shown

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:10:00.000000

"""
import uuid

from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('faq_sequence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_sequence'))
    )
    # The counter's one row exists from the start: two first publishers never race to insert it.
    op.execute(f"INSERT INTO faq_sequence (id, value, epoch) VALUES (1, 0, '{uuid.uuid4().hex}')")
    op.create_table('faq_queue_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('article_slug', sa.String(length=120), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_queue_link')),
    sa.UniqueConstraint('kind', 'key', name='uq_faq_queue_link_kind_key')
    )
    op.create_table('kb_search_shown',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_search_shown')),
    sa.UniqueConstraint('query', 'day', name='uq_kb_search_shown_query_day')
    )
    op.create_index(op.f('ix_kb_search_shown_day'), 'kb_search_shown', ['day'], unique=False)
    with op.batch_alter_table('faq_article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_faq_article_public_seq'), ['public_seq'], unique=False)


def downgrade():
    with op.batch_alter_table('faq_article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_article_public_seq'))
        batch_op.drop_column('public_seq')
    op.drop_index(op.f('ix_kb_search_shown_day'), table_name='kb_search_shown')
    op.drop_table('kb_search_shown')
    op.drop_table('faq_queue_link')
    op.drop_table('faq_sequence')
