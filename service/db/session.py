"""Engine and session factory for SQLite (embedded) and PostgreSQL (team)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Delete, Engine, Update, create_engine, event, text
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.orm import Session, sessionmaker

# Read by /readyz: damage to these makes every request fail, so the service is not ready.
TABLES_EVERY_REQUEST_READS = ("api_keys", "calls")

# Writers on SQLite wait this long for the lock instead of failing at once.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=20,
            max_overflow=40,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers do not block the writer (API reads while workers write results).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def changed_rows(session: Session, statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE and return how many rows it matched (a won race is 1)."""
    # Session.execute is typed as returning Result; DML gives a CursorResult.
    return cast(CursorResult[Any], session.execute(statement)).rowcount


class Database:
    """One engine plus its session factory; one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        """Reach the database and read the tables every request needs (keys, calls)."""
        with self.engine.connect() as connection:
            for table in TABLES_EVERY_REQUEST_READS:
                # every column: the table's own pages, not just a covering index
                connection.execute(text(f"SELECT * FROM {table} LIMIT 1"))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()
