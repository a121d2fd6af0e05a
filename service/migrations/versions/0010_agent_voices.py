"""agent voice enrolment: voice prints of stereo calls, each agent's enrolled voice

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.db.types import JSONColumn, UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_prints",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(length=200), nullable=False),
        sa.Column(
            "embedding",
            JSONColumn,
            nullable=False,
            comment="analyzers.speaker_embedding.voice_embedding of the agent's channel",
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_voice_prints_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_voice_prints_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_voice_prints")),
    )
    op.create_index(
        "ix_voice_prints_team_agent", "voice_prints", ["team_id", "agent_id", "created_at"]
    )
    op.create_table(
        "agent_voices",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(length=200), nullable=False),
        sa.Column("embedding", JSONColumn, nullable=False),
        sa.Column(
            "calls", sa.Integer(), nullable=False, comment="voice prints the embedding is from"
        ),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_agent_voices_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "agent_id", name=op.f("pk_agent_voices")),
    )


def downgrade() -> None:
    op.drop_table("agent_voices")
    op.drop_index("ix_voice_prints_team_agent", table_name="voice_prints")
    op.drop_table("voice_prints")
