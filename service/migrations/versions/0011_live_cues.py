"""live cues: the cues shown during a live call, and a team's switched-off cues

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.db.types import JSONColumn

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_cues",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False, comment="order of sending"),
        sa.Column("rule", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False, comment="raised|cleared|progress"),
        sa.Column("at_s", sa.Float(), nullable=False),
        sa.Column("shown_s", sa.Float(), nullable=False),
        sa.Column("cue", JSONColumn, nullable=False, comment="the whole cue as sent"),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_live_cues_call_id_calls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("call_id", "seq", name=op.f("pk_live_cues")),
    )
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column(
                "live_cues_off",
                JSONColumn,
                nullable=True,
                comment="rule ids whose live cues this team switched off (none: all on)",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("live_cues_off")
    op.drop_table("live_cues")
