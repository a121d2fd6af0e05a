"""transcript search index (PostgreSQL tsvector + GIN, SQLite FTS5), backfilled

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from service.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_PG_TRIGGER = """
CREATE FUNCTION transcript_segments_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tsv := to_tsvector(NEW.ts_config::regconfig, NEW.text);
  RETURN NEW;
END $$;
CREATE TRIGGER transcript_segments_tsv BEFORE INSERT OR UPDATE OF text, ts_config
  ON transcript_segments FOR EACH ROW EXECUTE FUNCTION transcript_segments_tsv();
"""

# External content: the text is stored once (in transcript_segments); the triggers keep
# the index in step, also when a call's delete cascades to its segments.
_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE transcript_fts USING fts5(text, content='transcript_segments', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER transcript_segments_ai AFTER INSERT ON transcript_segments BEGIN "
    "INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER transcript_segments_ad AFTER DELETE ON transcript_segments BEGIN "
    "INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, old.text);"
    " END",
    "CREATE TRIGGER transcript_segments_au AFTER UPDATE ON transcript_segments BEGIN "
    "INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, old.text);"
    " INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text); END",
)


def upgrade() -> None:
    op.create_table(
        "transcript_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column(
            "team_id", sa.Integer(), nullable=False, comment="the call's team (denormalised)"
        ),
        sa.Column("agent_id", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("party", sa.String(length=20), nullable=False, comment="agent|customer|unknown"),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "ts_config", sa.String(length=20), nullable=False, comment="text search configuration"
        ),
        sa.Column(
            "tsv",
            sa.Text().with_variant(TSVECTOR(), "postgresql"),
            nullable=True,
            comment="PostgreSQL: to_tsvector(ts_config, text), set by a trigger; SQLite: unused",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_transcript_segments_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_segments")),
    )
    op.create_index(
        op.f("ix_transcript_segments_call_id"), "transcript_segments", ["call_id"], unique=False
    )
    op.create_index(
        "ix_transcript_segments_team_recorded",
        "transcript_segments",
        ["team_id", "recorded_at"],
        unique=False,
    )
    op.create_index(
        "ix_transcript_segments_tsv",
        "transcript_segments",
        ["tsv"],
        unique=False,
        postgresql_using="gin",
        postgresql_with={"fastupdate": "off"},
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_TRIGGER)
    else:
        for statement in _SQLITE_FTS:
            op.execute(statement)
    _backfill()


def _backfill() -> None:
    from service.search.index import index_all

    session = Session(bind=op.get_bind())
    index_all(session)
    session.flush()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS transcript_segments_tsv ON transcript_segments")
        op.execute("DROP FUNCTION IF EXISTS transcript_segments_tsv()")
    else:
        op.execute("DROP TABLE IF EXISTS transcript_fts")
    op.drop_table("transcript_segments")
