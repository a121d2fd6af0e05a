"""team ranges profiles

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.db.types import JSONColumn, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_profiles",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("overrides", JSONColumn, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True, comment="API key id"),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_profiles_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_profiles")),
    )


def downgrade() -> None:
    op.drop_table("team_profiles")
