"""finding reviews: an agent acknowledges or disputes a finding, a coach dismisses it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.db.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column(
            "finding_key",
            sa.String(length=120),
            nullable=False,
            comment="rule:party:start, kept when the call is scored again",
        ),
        sa.Column(
            "action",
            sa.String(length=20),
            nullable=False,
            comment="acknowledge|dispute|dismiss|reopen",
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False, comment="agent|coach"),
        sa.Column("author", sa.String(length=200), nullable=False, comment="the writing key's id"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_finding_reviews_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_reviews")),
    )
    op.create_index("ix_finding_reviews_call", "finding_reviews", ["call_id", "finding_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_finding_reviews_call", table_name="finding_reviews")
    op.drop_table("finding_reviews")
