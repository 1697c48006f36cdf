"""knowledge base: article feedback and searches that found nothing

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 23:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kb_article_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_article_feedback")),
        sa.UniqueConstraint("slug", "day", "helpful", name="uq_kb_article_feedback_slug_day_helpful"),
    )
    op.create_index(op.f("ix_kb_article_feedback_slug"), "kb_article_feedback", ["slug"], unique=False)
    op.create_table(
        "kb_search_miss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_search_miss")),
        sa.UniqueConstraint("query", "day", name="uq_kb_search_miss_query_day"),
    )
    op.create_index(op.f("ix_kb_search_miss_day"), "kb_search_miss", ["day"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_kb_search_miss_day"), table_name="kb_search_miss")
    op.drop_table("kb_search_miss")
    op.drop_index(op.f("ix_kb_article_feedback_slug"), table_name="kb_article_feedback")
    op.drop_table("kb_article_feedback")
