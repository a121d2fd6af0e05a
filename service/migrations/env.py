"""Alembic environment: runs on the connection the service hands over, or on the
settings' database URL when invoked from the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from service.db.migrate import include_name
from service.db.models import Base

# Every table is declared in service/db/models.py, so its metadata is complete.
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from service.config import get_settings
    from service.db.session import make_engine

    engine = make_engine(get_settings().effective_database_url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported")
run_migrations_online()
