"""Real conditions: real-voice calls through codecs, packet loss and noise, with music on
hold and key presses, every metric against the truth the calls were built with.

Material (built at test time, sample_audio.real_conditions): Asterisk prompts (agent)
and LibriVox (customer) placed at known times; 40 s of Asterisk music on hold on the
agent's line after "Please hold while we try to connect you" (issue 10); four DTMF
presses on the customer's line in a 5.5 s silence. Conditions: clean, G.711 mu-law,
GSM 06.10, AMR-NB 12.2, Opus 8 and 16 kbit/s, 3 % packet loss with concealment, white
noise at 15 dB SNR. Tolerances: sample_audio.real_conditions.TOLERANCES (the issue's).
bench/bench_real_conditions.py prints the whole table.
"""

from __future__ import annotations

import functools
import os

import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.profile import default_profile
from analyzers.report import Report
from sample_audio.nonspeech import moh_tracks
from sample_audio.real_conditions import (
    CONDITIONS,
    Condition,
    ConditionCall,
    condition_calls,
    metric_errors,
    out_of_tolerance,
    through,
)
from sample_audio.realcalls import available, missing_corpora

pytestmark = [
    pytest.mark.skipif(
        not (available() and moh_tracks()),
        reason="apt-get install asterisk-moh-opsound-wav " + " ".join(missing_corpora()),
    ),
    pytest.mark.slow,
]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
CALLS = ("music_on_hold", "interrupting_dtmf")

# Measured failures, kept as strict xfails so a fix shows (see the bench table). The
# noise of the noise_15db condition is 15 dB below each channel's speech (ConditionCall.
# speech_powers); set against the louder music instead, the hold call's speech is at 8 dB
# SNR: test_speech_at_8db_snr_under_hold_music.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}
_NOISE_PITCH = (
    "white noise 15 dB below the music and speech (the agent's speech at about 8 dB SNR):"
    " the pitch tracker leaves the quiet voiced frames unvoiced (spread -0.8 st, the same"
    " with the truth's speech spans), and the word tails lost under the noise shorten the"
    " turns by 0.85 s (wpm +12 %)"
)


def _cases(name: str) -> list[object]:
    return [
        pytest.param(
            condition,
            marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[(name, condition)])
            if (name, condition) in KNOWN_FAILURES
            else (),
        )
        for condition in CONDITIONS
    ]


@functools.cache
def calls() -> dict[str, ConditionCall]:
    return {c.name: c for c in condition_calls()}


@functools.cache
def analysed(name: str, condition: Condition) -> Report:
    call = calls()[name]
    options = AnalysisOptions(
        agent_channel=call.truth.agent_channel, language="en", engine="faster-whisper"
    )
    samples = through(call.audio, condition, call.speech_powers())
    return analyze(CallAudio(samples=samples, sample_rate=8000), options)


@pytest.mark.xfail(strict=True, reason=_NOISE_PITCH)
def test_speech_at_8db_snr_under_hold_music() -> None:
    call = calls()["music_on_hold"]
    options = AnalysisOptions(
        agent_channel=call.truth.agent_channel, language="en", engine="faster-whisper"
    )
    samples = through(call.audio, "noise_15db")  # noise against music and speech alike
    report = analyze(CallAudio(samples=samples, sample_rate=8000), options)
    errors = metric_errors(report, call.truth, analysed("music_on_hold", "clean"), call.hold)
    assert out_of_tolerance(errors) == {}


@pytest.mark.parametrize(
    ("name", "condition"),
    [
        pytest.param(
            name,
            condition,
            marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[(name, condition)])
            if (name, condition) in KNOWN_FAILURES
            else (),
        )
        for name in CALLS
        for condition in CONDITIONS
    ],
)
def test_every_metric_within_tolerance(
    name: str, condition: Condition, record_property: pytest.RecordProperty
) -> None:
    call = calls()[name]
    report = analysed(name, condition)
    errors = metric_errors(report, call.truth, analysed(name, "clean"), call.hold)
    for key, value in errors.items():
        record_property(key, value)
    assert errors["agent_wpm_rel"] is not None
    assert out_of_tolerance(errors) == {}


@pytest.mark.parametrize("condition", _cases("hold_rule"))
def test_music_on_hold_is_a_hold_not_speech(condition: Condition) -> None:
    call = calls()["music_on_hold"]
    assert call.hold is not None
    report = analysed("music_on_hold", condition)
    (hold,) = report.holds
    assert hold.start_s == pytest.approx(call.hold[0], abs=0.5)
    assert hold.end_s == pytest.approx(call.hold[1], abs=0.5)
    assert hold.announced is True and "hold" in (hold.announcement or "").lower()
    # No finding the truth does not call for: the agent's speech rate (truth 165 wpm,
    # above the 160 wpm range) and talk share are the real ones, not the music's.
    rng = default_profile()
    want = call.truth.parties["agent"]
    assert want.turn_wpm is not None
    expect_rate = not rng.speech_rate.min_wpm <= want.turn_wpm <= rng.speech_rate.max_wpm
    assert any(f.rule == "speech_rate" for f in report.findings) == expect_rate
    share = want.talk_share
    expect_ratio = (
        not rng.talk_ratio.min_agent_share <= share <= rng.talk_ratio.max_agent_share
        or want.longest_monologue_s > rng.talk_ratio.max_monologue_s
    )
    assert any(f.rule == "talk_ratio" for f in report.findings) == expect_ratio
    assert not [f for f in report.findings if f.rule in ("hold", "unexplained_silence")]
    words = [w for t in report.turns for w in t.words]
    assert not [w for w in words if hold.start_s + 0.5 < w.start_s < hold.end_s - 0.5]


@pytest.mark.parametrize("condition", _cases("dtmf"))
def test_key_presses_are_tones_not_speech(condition: Condition) -> None:
    call = calls()["interrupting_dtmf"]
    report = analysed("interrupting_dtmf", condition)
    dtmf = [t for t in report.tones if t.kind == "dtmf"]
    assert [t.party for t in dtmf] == ["customer"] * len(call.presses)
    for tone, (start, _) in zip(dtmf, call.presses, strict=True):
        assert tone.start_s == pytest.approx(start, abs=0.05)
    first, last = call.presses[0][0], call.presses[-1][1]
    assert not [t for t in report.turns if t.start_s < last and t.end_s > first]
