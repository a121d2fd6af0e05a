"""Trend charts and team columns against values computed directly from the stored
reports (issue 13: a team's talk share once averaged monologue seconds as a percentage).

Calls are scored by the real rules and stored the way the worker stores them; the
expected numbers are read straight from each stored report's measurements.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from analyzers.conversation_rules import acknowledged, customer_blocks
from analyzers.name_matching import name_mentions
from analyzers.options import CallMetadata
from analyzers.phrase_matching import find_phrases, load_phrase_book
from analyzers.profile import default_profile
from analyzers.questions import agent_replies
from analyzers.report import (
    CallContext,
    Parties,
    PartyMetrics,
    Pickup,
    Report,
    Silence,
    Turn,
    Word,
)
from analyzers.rules import apply_rules
from service.dashboard.queries import call_metrics, stored_report
from service.dashboard.trends import (
    FINDINGS,
    agents_side_by_side,
    metric_value,
    summarize,
    trend_metrics,
    weekly_means,
)
from service.db.session import Database
from service.jobs import claims
from service.teams import get_or_create_team
from tests.service.conftest import add_call

pytestmark = pytest.mark.services


def _party(share: float | None, monologue: float | None, wpm: float | None) -> PartyMetrics:
    return PartyMetrics(
        talk_time_s=60.0,
        wpm=wpm,
        pitch_sd_semitones=None if wpm is None else 2.5,
        level_dbov=-24.0,
        longest_monologue_s=monologue,
        longest_monologue_start_s=None if monologue is None else 3.0,
        talk_share=share,
    )


def _turn(party: str, start_s: float, text: str) -> Turn:
    """A turn of known words, 0.4 s each."""
    words = [
        Word(word=w, start_s=start_s + 0.4 * i, end_s=start_s + 0.4 * i + 0.35)
        for i, w in enumerate(text.split())
    ]
    return Turn(
        party=party,  # type: ignore[arg-type]
        start_s=start_s,
        end_s=words[-1].end_s,
        level_dbov=-24.0,
        words=words,
    )


def _report(share: float | None, monologue: float | None, wpm: float | None, rings: int) -> Report:
    return apply_rules(
        Report(
            duration_s=120.0,
            sample_rate=8000,
            channels=2,
            agent_channel=0,
            ranges_profile="default",
            pickup=Pickup(rings=rings, answered_at_s=7.0, source="audio"),
            parties=Parties(
                agent=_party(share, monologue, wpm),
                customer=_party(None if share is None else 1 - share, 5.0, None),
            ),
            language="en",
            turns=[
                _turn("agent", 10.0, "Hello Peter, how can I help? Please tell me."),
                _turn("customer", 14.5, "I need a new card for my account."),
                # Patience and acknowledgement vary from call to call.
                _turn(
                    "agent", 17.7 + rings / 10, "I see, of course." if rings % 2 else "We post it."
                ),
            ],
            silences=[Silence(start_s=30.0, end_s=38.0, duration_s=8.0)],
            context=CallContext(customer_name="Peter"),
        ),
        default_profile(),
    )


# (agent, recorded, talk share, longest monologue s, wpm, rings). Anna's first call has
# no talk share but a 40 s monologue: her talk share is the other call's 78 %, not a
# mean of 78 and 40.
CALLS = [
    ("anna", datetime(2025, 3, 3, 9, tzinfo=UTC), None, 40.0, 150.0, 2),
    ("anna", datetime(2025, 3, 4, 9, tzinfo=UTC), 0.78, 75.0, 171.0, 4),
    ("anna", datetime(2025, 3, 11, 9, tzinfo=UTC), 0.41, 12.0, None, 3),
    ("bo", datetime(2025, 3, 5, 9, tzinfo=UTC), 0.35, 20.0, 118.0, 1),
]


def _unexplained(report: Report) -> float:
    limit = default_profile().unexplained_silence.max_silence_s
    return float(sum(1 for s in report.silences if s.duration_s >= limit and not s.explained))


def _share(report: Report) -> float | None:
    agent = report.parties.agent
    return None if agent is None or agent.talk_share is None else 100 * agent.talk_share


def _patience(report: Report) -> float | None:
    replies = agent_replies(report.turns, default_profile().question_pacing.max_reply_gap_s)
    return statistics.fmean(r.pause_s for r in replies) if replies else None


def _words(report: Report) -> list[Word] | None:
    """The agent's words, or None where the word rules cannot be measured."""
    words = [w for t in report.turns if t.party == "agent" for w in t.words]
    return words if report.language and report.agent_channel is not None and words else None


def _name_mentions(report: Report) -> float | None:
    words, name = _words(report), report.context.customer_name
    if words is None or not name:
        return None
    return float(len(name_mentions(words, name, default_profile().customer_name.max_name_distance)))


def _acknowledged_share(report: Report) -> float | None:
    words, rng = _words(report), default_profile().active_listening
    blocks = [b for b in customer_blocks(report.turns) if b.duration_s >= rng.min_customer_turn_s]
    if words is None or not blocks:
        return None
    book = load_phrase_book(report.language or "en")
    marks = find_phrases(words, book.get("active_listening", "acknowledgement"))
    agent_turns = [t for t in report.turns if t.party == "agent"]
    heard = [acknowledged(b, agent_turns, marks, rng.reply_window_s) for b in blocks]
    return 100.0 * sum(heard) / len(heard)


def _polite_per_minute(report: Report) -> float | None:
    words, agent = _words(report), report.parties.agent
    if words is None or agent is None:
        return None
    polite = find_phrases(
        words, load_phrase_book(report.language or "en").get("politeness", "polite")
    )
    return 60.0 * len(polite) / agent.talk_time_s


# Each trend's value, computed from the report's measurements (not its metric rows).
DIRECT: dict[str, Callable[[Report], float | None]] = {
    "pickup_delay": lambda r: r.pickup.rings,
    "speech_rate": lambda r: r.parties.agent.wpm if r.parties.agent else None,
    "pitch_monotony": lambda r: r.parties.agent.pitch_sd_semitones if r.parties.agent else None,
    "loudness": lambda r: r.parties.agent.level_dbov if r.parties.agent else None,
    "unexplained_silence": _unexplained,
    "talk_ratio": _share,
    FINDINGS: lambda r: float(len(r.findings)),
    "question_pacing": _patience,
    "customer_name": _name_mentions,
    "active_listening": _acknowledged_share,
    "politeness": _polite_per_minute,
}


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def test_trends_and_team_columns_equal_the_stored_reports(db: Database) -> None:
    ids: dict[uuid.UUID, str] = {}
    for agent, recorded, share, monologue, wpm, rings in CALLS:
        call_id = add_call(db, agent_id=agent, metadata=CallMetadata(recording_started_at=recorded))
        job = claims.claim(db, call_id, "test", lease_s=30, max_attempts=3)
        assert job is not None
        assert claims.complete(db, job, _report(share, monologue, wpm, rings), 1.0)
        ids[call_id] = agent
    with db.session() as session:
        team_id = get_or_create_team(session, "acme").id
        rows = call_metrics(session, team_id)
        reports = {call_id: stored_report(session, call_id) for call_id in ids}
    metrics = trend_metrics(default_profile())
    assert {m.key for m in metrics} == set(DIRECT)

    for metric in metrics:
        truth = DIRECT[metric.key]
        for row in rows:
            report = reports[row.call_id]
            assert report is not None
            got, want = metric_value(row, metric), truth(report)
            assert (got is None) == (want is None), (metric.key, got, want)
            if want is not None:
                assert got == pytest.approx(want, abs=0.051), metric.key
        # Weekly means (the agent page) and agent columns (the team page).
        anna = [r for r in rows if r.agent_id == "anna"]
        weeks = weekly_means(anna, metric)
        by_week = [
            [c for c in anna if c.recorded_at.day < 10],
            [c for c in anna if c.recorded_at.day > 10],
        ]
        for point, calls in zip(weeks, by_week, strict=True):
            want_mean = _mean([truth(reports[c.call_id]) for c in calls])
            assert (point.value is None) == (want_mean is None), metric.key
            if want_mean is not None:
                assert point.value == pytest.approx(want_mean, abs=0.051), metric.key
        columns = {c.agent_id: c for c in agents_side_by_side(rows, metrics)}
        for agent in ("anna", "bo"):
            values = [truth(reports[c]) for c, a in ids.items() if a == agent]
            want_mean = _mean(values)
            got_mean = columns[agent].means[metric.key]
            assert (got_mean is None) == (want_mean is None), (metric.key, agent)
            if want_mean is not None:
                assert got_mean == pytest.approx(want_mean, abs=0.051), (metric.key, agent)
        whole = summarize("Whole team", rows, metrics).means[metric.key]
        assert whole == pytest.approx(_mean([truth(r) for r in reports.values()]), abs=0.051)

    talk = next(m for m in metrics if m.key == "talk_ratio")
    anna_columns = {c.agent_id: c for c in agents_side_by_side(rows, metrics)}
    assert anna_columns["anna"].means[talk.key] == pytest.approx((78.0 + 41.0) / 2)
