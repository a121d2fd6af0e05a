"""Ready-made reports for page tests: measurements chosen so the real rules give known
findings (the report is scored by analyzers.rules, never written by hand)."""

from __future__ import annotations

from analyzers.profile import default_profile
from analyzers.report import (
    Parties,
    PartyMetrics,
    Pickup,
    Report,
    Silence,
    WindowValue,
)
from analyzers.rules import apply_rules
from tests.analyzers.builders import mono_call, turn

DURATION_S = 80.86  # the stored recording is cut to this (test_coach_browser._recording)
# Nine speech-rate windows, two below 120 wpm; three pitch windows, one below 2 st.
WPM_WINDOWS = [140, 150, 110, 135, 145, 100, 150, 140, 130]
PITCH_WINDOWS = [3.0, 1.5, 2.5]
AGENT_LEVEL = -24.1  # inside -36..-16 dBov
QUIET_TURN_S, RAISED_TURN_S = 50.0, 56.0  # the two turns out of range
LAST_AGENT_WORD_END_S = 72.35


def _windows(values: list[float]) -> list[WindowValue]:
    step = DURATION_S / len(values)
    return [
        WindowValue(start_s=round(i * step, 2), end_s=round((i + 1) * step, 2), value=v)
        for i, v in enumerate(values)
    ]


def coaching_report(customer_name: str | None = None) -> Report:
    """A stereo call: incomplete opening and closing, two agent turns out of range while
    the agent's level is in range, two slow and one flat window, one unexplained silence."""
    turns = [
        turn("agent", "hello", 2.0),
        turn("customer", "hi i am calling about my order", 6.0),
        turn("agent", "let me check that for you", 10.0),
        turn("agent", "right here it is your order shipped on monday", 24.0),
        turn("customer", "ok and when will it arrive", 32.0),
        turn("agent", "it should arrive on thursday morning", 36.0),
        turn("agent", "the courier will call you first", QUIET_TURN_S, level=-35.0),
        turn("agent", "you can also track it online", RAISED_TURN_S, level=-17.0),
        turn("customer", "great", 66.0),
        turn("agent", "ok then", 71.6),
    ]
    agent = PartyMetrics(
        talk_time_s=30.0,
        words=40,
        wpm=140.0,
        pitch_median_hz=180.0,
        pitch_sd_semitones=2.6,
        level_dbov=AGENT_LEVEL,
        longest_monologue_s=8.0,
        longest_monologue_start_s=24.0,
        talk_share=0.55,
        wpm_windows=_windows([float(v) for v in WPM_WINDOWS]),
        pitch_sd_windows=_windows(PITCH_WINDOWS),
    )
    customer = PartyMetrics(talk_time_s=20.0, level_dbov=-26.0, talk_share=0.45)
    report = Report(
        duration_s=DURATION_S,
        sample_rate=8000,
        channels=2,
        agent_channel=0,
        language="en",
        ranges_profile="default",
        pickup=Pickup(rings=2, answered_at_s=1.0, source="audio"),
        parties=Parties(agent=agent, customer=customer),
        turns=turns,
        silences=[
            Silence(start_s=13.0, end_s=22.0, duration_s=9.0),  # "let me check": explained
            Silence(start_s=40.0, end_s=47.0, duration_s=7.0),
        ],
    )
    report.context.customer_name = customer_name
    return apply_rules(report, default_profile())


def mono_report() -> Report:
    """A mono call with a transcript: silences are checked against everybody's words."""
    return apply_rules(mono_call(DURATION_S), default_profile())


def counts_report(unexplained: int) -> Report:
    """A short clean call with ``unexplained`` unannounced silences (a count metric)."""
    silences = [
        Silence(start_s=10.0 + 10 * i, end_s=16.0 + 10 * i, duration_s=6.0)
        for i in range(unexplained)
    ]
    report = coaching_report().model_copy(update={"silences": silences})
    return apply_rules(report, default_profile())
