"""Apply Alembic migrations programmatically (at startup of the API and of workers)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# Any constant: PostgreSQL advisory lock so that the API and several workers starting
# together do not run the same migration concurrently.
_PG_MIGRATION_LOCK_ID = 0x63616C6C  # "call"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class DatabaseDamagedError(RuntimeError):
    """The configured database file exists but cannot be this service's database."""


def check_existing_sqlite_file(engine: Engine) -> None:
    """Refuse a SQLite file that exists but is empty, corrupt or not ours.

    Migrating it would silently start a fresh install (calls gone, keys refused) on top
    of what an operator may still recover; a missing file is a fresh install and fine.
    """
    path = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        return
    file = Path(path)
    if not file.exists():
        return
    advice = "restore it from a backup, or move it away to start a fresh install"
    if file.stat().st_size == 0:
        raise DatabaseDamagedError(f"database file {file} exists but is empty: {advice}")
    try:
        with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        connection.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseDamagedError(f"database file {file} is damaged ({exc}): {advice}") from None
    if problems != ["ok"]:
        found = "; ".join(problems)
        raise DatabaseDamagedError(f"database file {file} is damaged ({found}): {advice}")
    if "alembic_version" not in tables:
        raise DatabaseDamagedError(
            f"database file {file} holds no callcoach schema (no alembic_version): {advice}"
        )


def upgrade_to_head(engine: Engine) -> None:
    """``alembic upgrade head`` on ``engine`` (serialised across processes on PostgreSQL).

    An existing SQLite file is checked first (:func:`check_existing_sqlite_file`).
    """
    check_existing_sqlite_file(engine)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _PG_MIGRATION_LOCK_ID})
            connection.commit()
        try:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": _PG_MIGRATION_LOCK_ID}
                )
                connection.commit()


# Tables SQLAlchemy cannot declare: SQLite's FTS5 search index and its shadow tables
# (service/search/index.py). Autogenerate and drift checks leave them alone.
ENGINE_OWNED_TABLE_PREFIXES = ("transcript_fts",)


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Alembic's ``include_name`` hook: skips the tables above."""
    return not (type_ == "table" and name and name.startswith(ENGINE_OWNED_TABLE_PREFIXES))
