"""A damaged SQLite database: refused at startup, reported by /readyz, 503 on requests.

Real SQLite files damaged on purpose (issue 12.9): before, an empty or corrupt file was
migrated into a fresh install (old calls gone, keys refused) while /readyz said ready.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from service.db.migrate import DatabaseDamagedError
from tests.service.conftest import Api, base_settings, running_api

pytestmark = pytest.mark.services


def _database_file(data_dir: Path) -> Path:
    return Path(base_settings(data_dir).effective_database_url.removeprefix("sqlite:///"))


def _install(data_dir: Path) -> tuple[Path, dict[str, str]]:
    """A real install with a key and enough keys to spread the table over pages."""
    with running_api(base_settings(data_dir)) as api:
        headers = api.key("acme", "read")
        for _ in range(40):
            api.key("acme", "read")
    db_file = _database_file(data_dir)
    with sqlite3.connect(db_file) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return db_file, headers


def _overwrite_root_page(db_file: Path, table: str) -> None:
    with sqlite3.connect(db_file) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    connection.close()
    with open(db_file, "r+b") as raw:
        raw.seek((root - 1) * page_size)
        raw.write(b"\xa5" * page_size)


def _refused(data_dir: Path, match: str) -> None:
    db_file = _database_file(data_dir)
    before = db_file.read_bytes()
    with pytest.raises(DatabaseDamagedError, match=match), running_api(base_settings(data_dir)):
        pass
    assert db_file.read_bytes() == before  # nothing re-created on top of it


def test_zero_length_database_file_refuses_to_start(tmp_path: Path) -> None:
    db_file = _database_file(tmp_path / "data")
    db_file.parent.mkdir(parents=True)
    db_file.touch()
    _refused(tmp_path / "data", "exists but is empty")


def test_database_file_with_a_garbage_header_refuses_to_start(tmp_path: Path) -> None:
    db_file, _ = _install(tmp_path / "data")
    with open(db_file, "r+b") as raw:
        raw.write(b"definitely not SQLite")
    _refused(tmp_path / "data", "is damaged")


def test_database_with_a_damaged_table_page_refuses_to_start(tmp_path: Path) -> None:
    db_file, _ = _install(tmp_path / "data")
    _overwrite_root_page(db_file, "api_keys")
    _refused(tmp_path / "data", "is damaged")


def test_database_file_without_our_schema_refuses_to_start(tmp_path: Path) -> None:
    db_file = _database_file(tmp_path / "data")
    db_file.parent.mkdir(parents=True)
    with sqlite3.connect(db_file) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    _refused(tmp_path / "data", "no callcoach schema")


def test_missing_file_is_a_fresh_install_and_a_restart_keeps_it(tmp_path: Path) -> None:
    _, headers = _install(tmp_path / "data")
    with running_api(base_settings(tmp_path / "data")) as api:
        assert api.client.get("/readyz").status_code == 200
        assert api.client.get("/v1/calls", headers=headers).status_code == 200


def _assert_not_ready_and_503(api: Api, headers: dict[str, str], reason: str) -> None:
    ready = api.client.get("/readyz")
    assert ready.status_code == 503, ready.json()
    assert ready.json()["checks"]["database"].startswith("error: ")
    assert reason in ready.json()["checks"]["database"], ready.json()
    listed = api.client.get("/v1/calls", headers=headers)
    assert listed.status_code == 503, listed.text
    assert listed.json()["code"] == "database_unavailable"
    assert api.client.get("/healthz").status_code == 200  # alive, not ready


def test_keys_table_dropped_under_a_running_service(tmp_path: Path) -> None:
    db_file, headers = _install(tmp_path / "data")
    with running_api(base_settings(tmp_path / "data")) as api:
        assert api.client.get("/readyz").status_code == 200
        with sqlite3.connect(db_file) as connection:
            connection.execute("DROP TABLE api_keys")
        connection.close()
        _assert_not_ready_and_503(api, headers, "no such table: api_keys")


def test_keys_table_page_damaged_under_a_running_service(tmp_path: Path) -> None:
    db_file, headers = _install(tmp_path / "data")
    with running_api(base_settings(tmp_path / "data")) as api:
        assert api.client.get("/readyz").status_code == 200
        api.state.db.engine.dispose()  # no connection keeps the good pages cached
        with sqlite3.connect(db_file) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        _overwrite_root_page(db_file, "api_keys")
        api.state.db.engine.dispose()
        _assert_not_ready_and_503(api, headers, "malformed")
