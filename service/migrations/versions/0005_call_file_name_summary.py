"""calls: uploaded file name and one-line coaching summary

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(
            sa.Column(
                "file_name",
                sa.String(length=255),
                nullable=True,
                comment="the uploaded file's name (shown only; storage keys are ids)",
            )
        )
        batch.add_column(
            sa.Column(
                "summary", sa.Text(), nullable=True, comment="one line of the coaching summary"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("summary")
        batch.drop_column("file_name")
