"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings, WebhookAccount


def test_defaults_are_embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CALLCOACH_DATABASE_URL", raising=False)
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve() / 'callcoach.db'}"
    assert settings.effective_storage_dir == tmp_path / "audio"
    assert settings.queue_backend == "inprocess"
    assert settings.max_upload_bytes == 500 * 1024 * 1024
    assert settings.max_channels == 2


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/callcoach")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    monkeypatch.setenv("CALLCOACH_QUEUE_BACKEND", "celery")
    monkeypatch.setenv(
        "CALLCOACH_TWILIO_ACCOUNTS",
        '{"AC1": {"secret": "tok", "team": "acme", "agent_channel": 1}}',
    )
    monkeypatch.setenv("CALLCOACH_DOWNLOAD_ALLOWED_HOSTS", '["api.twilio.com"]')
    settings = Settings()
    assert settings.effective_database_url == "postgresql+psycopg://u:p@db:5432/callcoach"
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.queue_backend == "celery"
    account = settings.twilio_accounts["AC1"]
    assert (account.secret.get_secret_value(), account.team, account.agent_channel) == (
        "tok",
        "acme",
        1,
    )
    assert "tok" not in repr(settings)
    # A platform account that does not say which channel is the agent's: found per call.
    assert WebhookAccount(secret="s", team="acme").agent_channel == "auto"
    assert settings.download_allowed_hosts == ["api.twilio.com"]
