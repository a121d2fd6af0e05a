"""The ``callcoach`` service commands: keys find the database ``serve`` uses (flag,
environment, ``.env`` or ``callcoach.toml`` in the working directory, through the one
Settings object) and say which one they wrote to; every command migrates first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import Settings
from service.db.session import Database
from service.keys import authenticate

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and no database settings in the environment."""
    for name in ("CALLCOACH_DATA_DIR", "CALLCOACH_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _create_key(*args: str) -> tuple[str, str]:
    """(the key, the database line) of ``keys create --team acme --scope read``."""
    result = runner.invoke(app, ["keys", "create", "--team", "acme", "--scope", "read", *args])
    assert result.exit_code == 0, result.output
    said = re.search(r"^database: (.+)$", result.stderr, re.MULTILINE)
    assert said is not None, result.stderr
    return result.stdout.strip(), said.group(1)


def _key_works(key: str, database_file: Path) -> bool:
    db = Database(f"sqlite:///{database_file}")
    try:
        with db.session() as session:
            return authenticate(session, key) is not None
    finally:
        db.dispose()


def test_keys_use_the_config_file_of_the_working_directory(workdir: Path) -> None:
    (workdir / "callcoach.toml").write_text('data_dir = "srv"\n', encoding="utf-8")
    key, database = _create_key()
    expected = (workdir / "srv" / "callcoach.db").resolve()
    assert database == f"sqlite:///{expected}"
    assert _key_works(key, expected)
    assert not (workdir / "data").exists()  # no second, silent database
    # `serve` reads the same Settings in the same directory: the same database.
    assert Settings().effective_database_url == f"sqlite:///{expected}"


def test_flag_beats_environment_beats_dotenv_beats_config_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "callcoach.toml").write_text('data_dir = "from-toml"\n', encoding="utf-8")
    (workdir / ".env").write_text("CALLCOACH_DATA_DIR=from-dotenv\n", encoding="utf-8")
    assert _create_key()[1].endswith("/from-dotenv/callcoach.db")
    monkeypatch.setenv("CALLCOACH_DATA_DIR", str(workdir / "from-env"))
    assert _create_key()[1].endswith("/from-env/callcoach.db")
    assert _create_key("--data-dir", "from-flag")[1].endswith("/from-flag/callcoach.db")


def test_list_and_revoke_on_the_same_database_and_revoke_migrates_first(workdir: Path) -> None:
    key, _ = _create_key("--data-dir", "d")
    key_id = key.split("_")[1]
    listed = runner.invoke(app, ["keys", "list", "--data-dir", "d"])
    assert listed.exit_code == 0 and f"{key_id}  acme  read  active" in listed.stdout
    revoked = runner.invoke(app, ["keys", "revoke", key_id, "--data-dir", "d"])
    assert revoked.exit_code == 0 and "database: sqlite:///" in revoked.stderr
    assert not _key_works(key, (workdir / "d" / "callcoach.db").resolve())
    # A fresh database: revoke migrates it first, then answers plainly.
    fresh = runner.invoke(app, ["keys", "revoke", "0123", "--data-dir", "fresh"])
    assert fresh.exit_code == 1 and "no active key '0123'" in fresh.stderr


def test_database_password_is_never_printed() -> None:
    settings = Settings(database_url="postgres://coach:hunter2@db.internal:5432/callcoach")
    assert settings.database_label == "postgresql+psycopg://coach:***@db.internal:5432/callcoach"
