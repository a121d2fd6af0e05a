"""A job error that cannot succeed on another try fails the call at once with its
reason; only I/O, database and network errors are retried."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from analyzers.options import CallMetadata
from service.calls.intake import analysis_options
from service.calls.records import new_call
from service.db.models import Call
from service.db.session import Database
from service.jobs.failures import is_transient, permanent_code
from service.jobs.runner import JobRunner, Outcome
from service.storage import LocalDiskStorage
from service.teams import get_or_create_team
from tests.service.conftest import base_settings, wav_bytes

pytestmark = pytest.mark.services


def test_an_unknown_country_fails_once_with_its_reason(db: Database, tmp_path: Path) -> None:
    # A call stored before intake checked countries: its options name no ringback plan.
    settings = base_settings(tmp_path, job_max_attempts=5)
    storage = LocalDiskStorage(settings.effective_storage_dir)
    call_id = uuid.uuid4()
    blob = storage.put(call_id.hex, io.BytesIO(wav_bytes(2.0)))
    ringing = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with db.session() as session:
        new_call(
            session,
            team_id=get_or_create_team(session, "acme").id,
            source="upload",
            options=analysis_options(settings, country="XX"),
            metadata=CallMetadata(
                recording_started_at=ringing,
                ringing_at=ringing,
                answered_at=ringing.replace(second=9),
            ),
            call_id=call_id,
            audio=blob,
        )
    result = JobRunner(settings, db, storage, "test-worker").run(call_id)
    assert result.outcome is Outcome.FAILED
    with db.session() as session:
        call = session.get_one(Call, call_id)
        assert (call.status, call.attempts) == ("failed", 1)
        assert call.error_code == "invalid_input"
        assert "no ringback plan for country 'XX'" in (call.error_message or "")


def test_only_io_database_and_network_errors_are_transient() -> None:
    assert is_transient(OSError("disk full"))
    assert is_transient(ConnectionResetError())
    assert is_transient(TimeoutError())
    assert is_transient(OperationalError("SELECT 1", {}, Exception("server closed")))
    assert not is_transient(ValueError("no ringback plan"))
    assert not is_transient(KeyError("speech_rate"))
    assert not is_transient(RuntimeError("a bug on this recording"))
    assert permanent_code(ValueError()) == "invalid_input"
    assert permanent_code(RuntimeError()) == "internal_error"
