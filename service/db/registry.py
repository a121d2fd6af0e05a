"""Every table module imported, so ``Base.metadata`` is complete (Alembic autogenerate,
schema drift checks). Tables may live next to the code that owns them."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

_SERVICE_DIR = Path(__file__).resolve().parent.parent


def import_table_modules() -> list[str]:
    """Import each service module that declares a table; returns their names."""
    names: list[str] = []
    for path in sorted(_SERVICE_DIR.rglob("*.py")):
        relative = path.relative_to(_SERVICE_DIR.parent)
        if "migrations" in relative.parts:
            continue
        if "__tablename__" not in path.read_text(encoding="utf-8"):
            continue
        name = ".".join(relative.with_suffix("").parts)
        importlib.import_module(name)
        names.append(name)
    return names


# Tables SQLAlchemy cannot declare: SQLite's FTS5 search index and its shadow tables
# (service/search/index.py). Autogenerate and drift checks leave them alone.
ENGINE_OWNED_TABLE_PREFIXES = ("transcript_fts",)


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Alembic's ``include_name`` hook: skips the tables above."""
    return not (type_ == "table" and name and name.startswith(ENGINE_OWNED_TABLE_PREFIXES))
