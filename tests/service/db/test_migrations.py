"""Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from service.db.migrate import alembic_config, upgrade_to_head
from service.db.models import Base
from service.db.registry import import_table_modules, include_name
from service.db.session import Database

pytestmark = pytest.mark.services


def test_migrated_schema_matches_models_and_upgrade_is_idempotent(db: Database) -> None:
    upgrade_to_head(db.engine)  # a second run (startup of another process) is a no-op
    assert "service.db.models" in import_table_modules()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, Base.metadata) == []
        heads = ScriptDirectory.from_config(alembic_config()).get_heads()
        assert [context.get_current_revision()] == heads
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
