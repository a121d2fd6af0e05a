"""/v1/agents/{id}/summary: weekly means of the stored metric values and finding counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analyzers.options import CallMetadata
from service.db.migrate import upgrade_to_head
from service.db.session import Database
from service.jobs import claims
from tests.service.conftest import Backend, add_call, running_api
from tests.service.jobs.test_claims import _report

pytestmark = pytest.mark.services

# (agent, recorded at, speech rate, interruptions): ground truth of the summary.
CALLS = [
    ("anna", datetime(2025, 3, 3, 9, tzinfo=UTC), 140.0, 1),  # week of Mon 3 March
    ("anna", datetime(2025, 3, 7, 17, tzinfo=UTC), 160.0, 0),
    ("anna", datetime(2025, 3, 10, 8, tzinfo=UTC), 130.0, 4),  # week of Mon 10 March
    ("anna", datetime(2025, 4, 1, 8, tzinfo=UTC), 100.0, 9),  # outside the range asked
    ("bo", datetime(2025, 3, 4, 8, tzinfo=UTC), 200.0, 7),  # another agent
]


def _populate(db: Database) -> None:
    for agent, recorded, rate, interruptions in CALLS:
        call_id = add_call(db, agent_id=agent, metadata=CallMetadata(recording_started_at=recorded))
        job = claims.claim(db, call_id, "test", lease_s=30, max_attempts=3)
        assert job is not None
        assert claims.complete(db, job, _report(rate, interruptions), 1.0)
    add_call(
        db, team="other", agent_id="anna", metadata=CallMetadata(recording_started_at=CALLS[0][1])
    )


def test_weekly_summary(backend: Backend) -> None:
    settings = backend.settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.effective_database_url)
    upgrade_to_head(db.engine)
    _populate(db)  # before the app starts: its worker finds nothing to do
    db.dispose()
    with running_api(settings) as api:
        headers = api.key("acme", "read")
        response = api.client.get(
            "/v1/agents/anna/summary",
            params={"from": "2025-03-01T00:00:00Z", "to": "2025-03-31T00:00:00Z"},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        summary = response.json()
        assert summary["calls"] == 3
        assert [w["week_start"] for w in summary["weeks"]] == ["2025-03-03", "2025-03-10"]
        first, second = summary["weeks"]
        assert first["calls"] == 2
        means = {m["label"]: (m["mean"], m["calls"]) for m in first["metrics"]}
        assert means == {
            "pace": (150.0, 2),
            "talk share": (45.0, 2),
            "longest monologue": (30.5, 2),
        }
        assert first["findings"] == {"interruption": 1}
        assert {m["label"]: m["mean"] for m in second["metrics"]}["pace"] == 130.0
        assert second["findings"] == {"interruption": 4}
        # "opening" has a text value: no mean
        everything = api.client.get("/v1/agents/anna/summary", headers=headers).json()
        assert everything["calls"] == 4
        with_rule = api.client.get(
            "/v1/calls", params={"rule": "interruption", "agent_id": "anna"}, headers=headers
        ).json()["items"]
        assert len(with_rule) == 3  # the call with zero interruptions has no finding
