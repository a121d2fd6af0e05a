"""team privacy settings (PII redaction)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.db.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_privacy",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("pii_redaction", sa.Boolean(), nullable=False),
        sa.Column("audio_mode", sa.String(length=20), nullable=False, comment="tone|silence"),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True, comment="API key id"),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_privacy_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_privacy")),
    )


def downgrade() -> None:
    op.drop_table("team_privacy")
