"""Queue the committed sample calls (sample_audio/*.wav) for team "demo" so a fresh
`callcoach serve --load-samples` has reports to look at, and keep one demo key (upload
and read) across restarts."""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from analyzers.options import CallMetadata
from service.calls.intake import analysis_options, check_recording
from service.calls.records import new_call
from service.config import Settings
from service.db.models import Call
from service.db.session import Database
from service.keys import authenticate, create_api_key, has_scope
from service.storage import AudioStorage
from service.teams import get_or_create_team

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "sample_audio"
DEMO_TEAM = "demo"
DEMO_SCOPES = ("ingest", "read")  # the dashboard's first upload needs ingest
DEMO_KEY_FILE = "demo_key"


@dataclass(frozen=True)
class SamplesLoaded:
    demo_key: str
    queued: list[uuid.UUID]
    already_there: int


def _truth(wav: Path) -> dict[str, Any]:
    truth = wav.with_suffix(".truth.json")
    if not truth.is_file():
        return {}
    return dict(json.loads(truth.read_text(encoding="utf-8")))


def load_samples(
    settings: Settings, db: Database, storage: AudioStorage, samples_dir: Path = SAMPLES_DIR
) -> SamplesLoaded:
    """Queue each sample once (external id ``sample:<name>``) and make a read key."""
    queued: list[uuid.UUID] = []
    already = 0
    for wav in sorted(samples_dir.glob("*.wav")):
        external_id = f"sample:{wav.stem}"
        with db.session() as session:
            team = get_or_create_team(session, DEMO_TEAM)
            exists = session.scalar(
                select(Call.id).where(Call.team_id == team.id, Call.external_id == external_id)
            )
        if exists is not None:
            already += 1
            continue
        truth = _truth(wav)
        call_id = uuid.uuid4()
        with wav.open("rb") as source:
            blob = storage.put(call_id.hex, source, settings.max_upload_bytes)
        path = storage.local_path(blob.key)
        assert path is not None
        duration_s, content_type = check_recording(path, settings)
        agent_name = truth.get("agent_name")
        language = truth.get("language")
        with db.session() as session:
            new_call(
                session,
                team_id=get_or_create_team(session, DEMO_TEAM).id,
                source="sample",
                options=analysis_options(
                    settings,
                    agent_channel=int(truth.get("agent_channel", 0)),
                    country=str(truth["country"]) if truth.get("country") else None,
                    language=language if language in ("en", "sv", "nb", "el") else None,
                ),
                metadata=CallMetadata(
                    agent_name=str(agent_name) if agent_name else None,
                    customer_name=str(truth["customer_name"])
                    if truth.get("customer_name")
                    else None,
                ),
                agent_id=str(agent_name).lower() if agent_name else "demo-agent",
                external_id=external_id,
                call_id=call_id,
                audio=blob,
                content_type=content_type,
                duration_s=duration_s,
            )
        queued.append(call_id)
    log.info("samples: %d queued, %d already there", len(queued), already)
    return SamplesLoaded(demo_key=demo_key(settings, db), queued=queued, already_there=already)


def demo_key(settings: Settings, db: Database) -> str:
    """The demo team's key saved in ``<data_dir>/demo_key`` while it still works there
    (not revoked, same database), else a new one, saved for the next start."""
    path = settings.data_dir / DEMO_KEY_FILE
    saved = path.read_text(encoding="ascii").strip() if path.is_file() else ""
    with db.session() as session:
        row = authenticate(session, saved) if saved else None
        if (
            row is not None
            and row.team.name == DEMO_TEAM
            and all(has_scope(row, scope) for scope in DEMO_SCOPES)
        ):
            return saved
        new = create_api_key(session, DEMO_TEAM, DEMO_SCOPES, name="serve --load-samples")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(new.key + "\n")
    return new.key
