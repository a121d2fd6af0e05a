"""Team ranges: stored as overrides of the defaults, applied by re-scoring stored reports
(from a real analysis of a committed sample, without transcription) on both databases."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from analyzers.errors import ProfileError
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.profile import build_profile
from analyzers.report import Report
from service.db.models import Call, CallFinding, CallMetric, CallReport
from service.db.session import Database
from service.jobs import claims
from service.team_profiles import (
    TeamProfile,
    get_overrides,
    rescore_team,
    save_team_profile,
    team_profile,
)
from service.teams import get_or_create_team
from tests.service.conftest import SAMPLES, add_call


@pytest.fixture(scope="module")
def dead_air_report() -> Report:
    """The acoustic analysis of a call with a 9 s unexplained silence (no Whisper)."""
    return analyze(SAMPLES / "dead_air.wav", AnalysisOptions(engine="none", language="en"))


def _done_call(db: Database, report: Report, team: str = "acme") -> uuid.UUID:
    call_id = add_call(db, team)
    job = claims.claim(db, call_id, "test-worker", 60.0, 3)
    assert job is not None
    assert claims.complete(db, job, report, 1.0)
    return call_id


def _stored(db: Database, call_id: uuid.UUID) -> tuple[Report, set[tuple], dict[str, int], int]:
    with db.session() as session:
        report = Report.model_validate(session.get_one(CallReport, call_id).report)
        metrics = {
            (m.rule, m.label, m.unit, m.value, m.status)
            for m in session.scalars(select(CallMetric).where(CallMetric.call_id == call_id))
        }
        findings = {
            f.rule: f.count
            for f in session.scalars(select(CallFinding).where(CallFinding.call_id == call_id))
        }
        count = session.get_one(Call, call_id).findings_count or 0
    return report, metrics, findings, count


def test_a_saved_profile_keeps_only_the_changes(db: Database) -> None:
    with db.session() as session:
        team = get_or_create_team(session, "acme")
        assert team_profile(session, team.id) == build_profile()
        profile = save_team_profile(
            session,
            team,
            {"speech_rate": {"min_wpm": 100.0, "max_wpm": 160.0}, "closing": {"within_last_s": 30}},
            key_id="abc",
        )
        assert profile.speech_rate.min_wpm == 100.0 and profile.name == "acme"
        assert get_overrides(session, team.id) == {
            "name": "acme",
            "speech_rate": {"min_wpm": 100.0},
        }
        assert session.get_one(TeamProfile, team.id).updated_by == "abc"
        assert team_profile(session, team.id).speech_rate.min_wpm == 100.0


def test_an_invalid_profile_is_refused_and_nothing_is_stored(db: Database) -> None:
    with db.session() as session:
        team = get_or_create_team(session, "acme")
        with pytest.raises(ProfileError, match="Speech rate: the lowest must not be above"):
            save_team_profile(session, team, {"speech_rate": {"min_wpm": 200.0}}, None)
        with pytest.raises(ProfileError, match="unknown profile key"):
            save_team_profile(session, team, {"speech_rate": {"fastest": 1}}, None)
        assert session.get(TeamProfile, team.id) is None


def test_rescoring_applies_the_team_ranges_to_stored_reports(
    db: Database, dead_air_report: Report
) -> None:
    call_id = _done_call(db, dead_air_report)
    other_team_call = _done_call(db, dead_air_report, team="other")
    report, metrics, findings, count = _stored(db, call_id)
    assert findings.get("unexplained_silence") == 1 and count == len(report.findings)

    with db.session() as session:
        team = get_or_create_team(session, "acme")
        save_team_profile(session, team, {"unexplained_silence": {"max_silence_s": 20.0}}, None)
        team_id = team.id
    assert rescore_team(db, team_id) == 1

    rescored, _, new_findings, new_count = _stored(db, call_id)
    assert "unexplained_silence" not in new_findings
    assert new_count == len(rescored.findings) == count - 1
    assert rescored.ranges_profile == "acme"
    assert rescored.turns == report.turns and rescored.signals == report.signals
    silence = next(m for m in rescored.metrics if m.rule == "unexplained_silence")
    assert silence.status == "ok" and "20 s" in silence.expected
    # The other team's call keeps the defaults.
    assert _stored(db, other_team_call)[2].get("unexplained_silence") == 1

    # Back to the defaults: the same rows the worker stored in the first place.
    with db.session() as session:
        save_team_profile(session, session.get_one(type(team), team_id), {}, None)
    assert rescore_team(db, team_id) == 1
    again, again_metrics, again_findings, again_count = _stored(db, call_id)
    assert again.findings == report.findings
    assert (again_metrics, again_findings, again_count) == (metrics, findings, count)
