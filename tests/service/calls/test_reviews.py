"""Finding reviews on both databases: each finding keeps its key across re-scoring, the
state is the last step's, and a dismissed finding leaves every count (rows, findings
count, summary line) while the report keeps it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from analyzers.report import Finding, Report
from service.calls.results import counted_summary
from service.calls.reviews import (
    AGENT,
    COACH,
    DISMISSED,
    TRANSITIONS,
    Reviewer,
    ReviewError,
    ReviewIn,
    finding_keys,
    finding_states,
    review_finding,
)
from service.db.models import Call, CallFinding, CallReport, FindingReview
from service.db.session import Database
from service.team_profiles import rescore_team, save_team_profile
from service.teams import get_or_create_team
from tests.service.conftest import add_call
from tests.service.dashboard.coach_reports import coaching_report

pytestmark = pytest.mark.services

ANNA = Reviewer(AGENT, "anna-key")
KIM = Reviewer(COACH, "kim-key")


def _finding(rule: str, start: float | None, party: str | None = "agent") -> Finding:
    return Finding.model_validate(
        {
            "rule": rule,
            "severity": "warning",
            "start_s": start,
            "end_s": None,
            "value": None,
            "expected": "",
            "message": "m",
            "advice": "",
            "party": party,
        }
    )


def test_finding_keys_name_rule_party_and_start() -> None:
    findings = [
        _finding("loudness", 56.04),
        _finding("politeness", None),
        _finding("interruption", 12.0, "customer"),
        _finding("loudness", 56.0),  # the same moment again: told apart by its order
        _finding("talk_ratio", None, None),
    ]
    assert finding_keys(findings) == [
        "loudness:agent:56.0",
        "politeness:agent:call",
        "interruption:customer:12.0",
        "loudness:agent:56.0~2",
        "talk_ratio:call:call",
    ]


def test_every_state_has_its_steps() -> None:
    """Each state the transitions reach can be left by some step (no dead end but by
    the coach's own undo), and only the agent acknowledges or disputes."""
    reached = {t.to for t in TRANSITIONS.values()} | {"open"}
    for state in reached:
        assert any(state in t.after for t in TRANSITIONS.values()), state
    assert {a for a, t in TRANSITIONS.items() if t.role == AGENT} == {"acknowledge", "dispute"}


def _step(db: Database, call_id: uuid.UUID, index: int, action: str, who: Reviewer) -> str:
    with db.session() as session:
        call = session.get_one(Call, call_id)
        comment = "the customer asked me to" if action == "dispute" else None
        found = review_finding(
            session,
            call,
            index,
            ReviewIn.model_validate({"action": action, "comment": comment}),
            who,
        )
        return found.state


def _counts(db: Database, call_id: uuid.UUID) -> tuple[dict[str, int], int, str | None]:
    with db.session() as session:
        rows = session.scalars(select(CallFinding).where(CallFinding.call_id == call_id))
        call = session.get_one(Call, call_id)
        return {r.rule: r.count for r in rows}, call.findings_count or 0, call.summary


def _stored_report(db: Database, call_id: uuid.UUID) -> Report:
    with db.session() as session:
        return Report.model_validate(session.get_one(CallReport, call_id).report)


def test_a_dismissed_finding_leaves_the_counts_and_outlives_rescoring(db: Database) -> None:
    report = coaching_report()
    call_id = add_call(db, report=report, agent_id="anna")
    silence = next(i for i, f in enumerate(report.findings) if f.rule == "unexplained_silence")
    rules, count, line = _counts(db, call_id)
    assert rules["unexplained_silence"] == 1 and count == len(report.findings)

    assert _step(db, call_id, silence, "dispute", ANNA) == "disputed"
    assert _counts(db, call_id) == (rules, count, line)  # disputed still counts
    assert _step(db, call_id, silence, "dismiss", KIM) == DISMISSED
    dismissed_rules, dismissed_count, _ = _counts(db, call_id)
    assert "unexplained_silence" not in dismissed_rules
    assert dismissed_count == count - 1
    assert _stored_report(db, call_id).findings == report.findings  # kept in the report

    # A new profile drops the 110 wpm window before it: the silence moves up one index
    # and stays dismissed (its key, not its index, names it).
    with db.session() as session:
        team = get_or_create_team(session, "acme")
        save_team_profile(session, team, {"speech_rate": {"min_wpm": 105}}, None)
        team_id = team.id
    assert rescore_team(db, team_id) == 1
    rescored = _stored_report(db, call_id)
    assert len(rescored.findings) == len(report.findings) - 1
    with db.session() as session:
        states = finding_states(session, call_id, rescored.findings)
        assert [s.finding.rule for s in states if s.state == DISMISSED] == ["unexplained_silence"]
        assert states[silence - 1].state == DISMISSED
    rules_after, count_after, _ = _counts(db, call_id)
    assert "unexplained_silence" not in rules_after and count_after == len(rescored.findings) - 1

    # The coach undoes the dismissal: counted again, history kept.
    assert _step(db, call_id, silence - 1, "reopen", KIM) == "open"
    assert _counts(db, call_id)[0]["unexplained_silence"] == 1
    with db.session() as session:
        actions = session.scalars(
            select(FindingReview.action).where(FindingReview.call_id == call_id)
        ).all()
    assert list(actions) == ["dispute", "dismiss", "reopen"]


def test_the_summary_without_dismissed_findings_keeps_report_indices() -> None:
    report = coaching_report()
    loud = [i for i, f in enumerate(report.findings) if f.rule == "loudness"]
    assert counted_summary(report, set()) == report.summary
    assert next(p for p in report.summary if p.rule == "loudness").findings == loud
    # Without the quiet turn the raised voice (critical) still heads the summary, alone.
    points = counted_summary(report, {loud[0]})
    assert points[0].rule == "loudness" and points[0].findings == [loud[1]]
    assert points[0].text.startswith(report.findings[loud[1]].message.rstrip("."))
    everything = counted_summary(report, set(range(len(report.findings))))
    assert everything == []


def test_a_refused_step_leaves_no_row(db: Database) -> None:
    call_id = add_call(db, report=coaching_report(), agent_id="anna")
    with db.session() as session:
        call = session.get_one(Call, call_id)
        with pytest.raises(ReviewError) as refused:
            review_finding(session, call, 0, ReviewIn(action="dismiss"), KIM)
        assert (refused.value.status, refused.value.code) == (409, "invalid_transition")
        assert "only a disputed finding can be dismissed" in str(refused.value)
    with db.session() as session:
        assert session.scalars(select(FindingReview)).all() == []


def test_every_aggregate_leaves_a_dismissed_finding_out(db: Database) -> None:
    """Agent summaries, the rule filter, the dashboard's trend rows, team columns, badges
    and both CSV exports: each counts the silence before its dismissal and not after."""
    from service.calls.queries import CallFilters, agent_summary, list_calls
    from service.dashboard import exports
    from service.dashboard.queries import call_metrics, calls_page
    from service.dashboard.trends import FINDINGS, TrendMetric, summarize, weekly_means

    report = coaching_report()
    call_id = add_call(db, report=report, agent_id="anna")
    silence = next(i for i, f in enumerate(report.findings) if f.rule == "unexplained_silence")
    findings_metric = TrendMetric(FINDINGS, "Findings", "per call", None, None)
    with db.session() as session:
        team_id = get_or_create_team(session, "acme").id

    def aggregates() -> list[object]:
        with db.session() as session:
            weeks = agent_summary(session, team_id, "anna", None, None)
            by_rule, _ = list_calls(session, team_id, CallFilters(rule="unexplained_silence"), 10)
            rows = call_metrics(session, team_id, "anna")
            table, _ = calls_page(session, team_id, CallFilters(agent_id="anna"))
        calls_csv = exports.calls_csv(table).splitlines()
        agent_csv = exports.agent_metrics_csv(rows).splitlines()
        silence_column = calls_csv[0].split(",").index("findings_unexplained_silence")
        return [
            sum(w.findings.get("unexplained_silence", 0) for w in weeks),
            len(by_rule),
            weekly_means(rows, findings_metric)[0].value,
            summarize("anna", rows, [findings_metric]).findings.get("unexplained_silence", 0),
            sum(b.count for b in table[0].badges if b.rule == "unexplained_silence"),
            calls_csv[1].split(",")[silence_column],
            agent_csv[1].split(",")[agent_csv[0].split(",").index("findings")],
        ]

    total = len(report.findings)
    assert aggregates() == [1, 1, float(total), 1, 1, "1", str(total)]
    _step(db, call_id, silence, "dispute", ANNA)
    _step(db, call_id, silence, "dismiss", KIM)
    assert aggregates() == [0, 0, float(total - 1), 0, 0, "0", str(total - 1)]
