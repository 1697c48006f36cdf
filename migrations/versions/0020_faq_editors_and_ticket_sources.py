"""faq_editor (the "editor FAQ" role per unit) and faq_ticket_source (drafts made from tickets)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.core.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('faq_editor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=80), nullable=False),
    sa.Column('appointed_by', sa.Integer(), nullable=True),
    sa.Column('appointed_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_faq_editor_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_editor')),
    sa.UniqueConstraint('user_id', 'unit', name='uq_faq_editor_user_id_unit')
    )
    op.create_index(op.f('ix_faq_editor_user_id'), 'faq_editor', ['user_id'], unique=False)
    op.create_table('faq_ticket_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('ticket_reference', sa.String(length=24), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['faq_article.id'], name=op.f('fk_faq_ticket_source_article_id_faq_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_ticket_source')),
    sa.UniqueConstraint('article_id', name=op.f('uq_faq_ticket_source_article_id')),
    sa.UniqueConstraint('ticket_reference', name=op.f('uq_faq_ticket_source_ticket_reference'))
    )


def downgrade():
    op.drop_table('faq_ticket_source')
    op.drop_index(op.f('ix_faq_editor_user_id'), table_name='faq_editor')
    op.drop_table('faq_editor')
