"""Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from service.db.migrate import alembic_config, include_name, upgrade_to_head
from service.db.models import Base
from service.db.session import Database

pytestmark = pytest.mark.services


def test_migrated_schema_matches_models_and_upgrade_is_idempotent(db: Database) -> None:
    upgrade_to_head(db.engine)  # a second run (startup of another process) is a no-op
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, Base.metadata) == []
        heads = ScriptDirectory.from_config(alembic_config()).get_heads()
        assert [context.get_current_revision()] == heads
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_every_table_is_declared_in_the_models_module() -> None:
    """Alembic reads ``service.db.models``' metadata alone: no table may live elsewhere."""
    elsewhere = [
        mapper.class_.__qualname__
        for mapper in Base.registry.mappers
        if mapper.class_.__module__ != "service.db.models"
    ]
    assert elsewhere == []
    # A fresh interpreter importing only the models module sees every table.
    code = "from service.db.models import Base; print(*sorted(Base.metadata.tables))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    fresh = run.stdout.split()
    assert set(fresh) == set(Base.metadata.tables) and "team_profiles" in fresh
