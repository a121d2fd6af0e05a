"""Durable jobs: after a crash, a new start finishes queued and interrupted calls."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest

from service.calls.intake import analysis_options, check_recording
from service.calls.records import new_call
from service.db.migrate import upgrade_to_head
from service.db.models import Call
from service.db.session import Database
from service.jobs import claims
from service.storage import LocalDiskStorage
from service.teams import get_or_create_team
from tests.service.conftest import (
    Backend,
    base_settings,
    running_api,
    sample_bytes,
    sample_duration_s,
)

pytestmark = pytest.mark.services


def _stored_call(
    db: Database, storage: LocalDiskStorage, settings: object, audio: bytes
) -> uuid.UUID:
    call_id = uuid.uuid4()
    blob = storage.put(call_id.hex, io.BytesIO(audio))
    path = storage.local_path(blob.key)
    duration, content_type = check_recording(path, settings)  # type: ignore[arg-type]
    with db.session() as session:
        new_call(
            session,
            team_id=get_or_create_team(session, "acme").id,
            source="upload",
            options=analysis_options(settings, country="US"),  # type: ignore[arg-type]
            call_id=call_id,
            audio=blob,
            content_type=content_type,
            duration_s=duration,
        )
    return call_id


def test_restart_finishes_queued_and_interrupted_jobs(backend: Backend) -> None:
    settings = backend.settings()
    settings.data_dir.mkdir(parents=True)
    db = Database(settings.effective_database_url)
    upgrade_to_head(db.engine)
    storage = LocalDiskStorage(settings.effective_storage_dir)
    audio = sample_bytes("early_pickup")
    # The state a crash leaves: one call queued (never sent to any broker) and one taken
    # by a worker that died mid-analysis (its lease runs out, nobody renews it).
    queued = _stored_call(db, storage, settings, audio)
    interrupted = _stored_call(db, storage, settings, audio)
    assert claims.claim(db, interrupted, "dead-worker", lease_s=1.0, max_attempts=3)

    with running_api(settings) as api:
        if backend.start_worker:
            backend.start_worker()
        headers = api.key("acme", "read")
        results = {
            str(call_id): api.wait_status(headers, str(call_id), {"done", "failed"}, timeout=120)
            for call_id in (queued, interrupted)
        }
        assert {r["status"] for r in results.values()} == {"done"}, results
        assert results[str(queued)]["attempts"] == 1
        assert results[str(interrupted)]["attempts"] == 2
        for call_id in (queued, interrupted):
            report = api.client.get(f"/v1/calls/{call_id}/report", headers=headers)
            assert report.status_code == 200
            assert report.json()["duration_s"] == pytest.approx(
                sample_duration_s("early_pickup"), abs=0.01
            )
    with db.session() as session:
        rows = {r.id: r for r in session.query(Call)}
        assert all(r.lease_owner is None for r in rows.values())
    db.dispose()


def test_in_process_worker_survives_a_graceful_restart(tmp_path: Path) -> None:
    """Stop `serve` with work still queued; the next start does it."""
    settings = base_settings(tmp_path / "data", worker_concurrency=1)
    audio = sample_bytes("early_pickup")
    with running_api(settings) as api:
        headers = api.key("acme", "ingest", "read")
        ids = [api.upload(headers, audio, country="US").json()["id"] for _ in range(3)]
    db = Database(settings.effective_database_url)
    with db.session() as session:
        statuses = [session.get_one(Call, uuid.UUID(i)).status for i in ids]
    db.dispose()
    assert statuses.count("queued") >= 2  # stopped at once: one analysis at most ran
    with running_api(settings) as api:
        headers = api.key("acme", "read")
        for call_id in ids:
            assert api.wait_status(headers, call_id, {"done", "failed"}, 120)["status"] == "done"
