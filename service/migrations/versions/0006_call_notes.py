"""call notes: a coach's comments at a time in a call or on a finding

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.db.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("at_s", sa.Float(), nullable=True, comment="seconds from the recording's start"),
        sa.Column("finding", sa.Integer(), nullable=True, comment="index in the report's findings"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "author", sa.String(length=200), nullable=False, comment="the writing key's name or id"
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_call_notes_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_notes")),
    )
    op.create_index("ix_call_notes_call", "call_notes", ["call_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_call_notes_call", table_name="call_notes")
    op.drop_table("call_notes")
