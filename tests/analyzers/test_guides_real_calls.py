"""Question pacing, patience, politeness and the customer's type on calls of real
recorded voices (Asterisk's prompts as the agent, LibriVox as the customer), analysed
end to end with the bundled Whisper tiny.en.

The truth is what was placed: which prompts are questions, the gaps before each reply
(patience), the customer's level (``shout`` +10 dB, ``whisper`` -14 dB: controlled
prosody), and the agent's raised reply.
"""

from __future__ import annotations

import functools
import itertools
import os
import statistics

import numpy as np
import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.report import Report
from sample_audio.realcalls import (
    RealCallSpec,
    RealCallTruth,
    RealUtterance,
    available,
    build_real_call,
    missing_corpora,
)

pytestmark = [
    pytest.mark.skipif(
        not available(),
        reason=f"speech corpora missing: apt-get install {' '.join(missing_corpora())}",
    ),
    pytest.mark.slow,
]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

SAME_TURN, QUICK, PATIENT = 0.25, 0.3, 1.0
LIBRIVOX = "librivox:sense_and_sensibility_01_austen_64kb-"


def _u(party: str, source: str, gap: float, style: str = "normal") -> RealUtterance:
    return RealUtterance(party=party, source=source, gap_before_s=gap, style=style)  # type: ignore[arg-type]


# The corpus has two prompts that are questions ("Which folder should I save the message
# to?", "Change to which folder?"); "Mailbox?" (vm-login) is read with a falling voice
# and transcribed "Mailbox." - nothing in the sound or the words marks it, so it is not
# used. Four questions in a row, quick replies, a shouting customer, an agent who shouts back.
STREAM_RUDE = [
    _u("agent", "asterisk:hello", 0.5),
    _u("agent", "asterisk:vm-savefolder", SAME_TURN),
    _u("agent", "asterisk:vm-changeto", SAME_TURN),
    _u("agent", "asterisk:vm-savefolder", SAME_TURN),
    _u("agent", "asterisk:vm-changeto", SAME_TURN),
    _u("customer", LIBRIVOX + "0880", QUICK, "shout"),
    _u("agent", "asterisk:auth-thankyou", QUICK),
    _u("customer", LIBRIVOX + "0930", 0.8, "shout"),
    _u("agent", "asterisk:one-moment-please", QUICK, "shout"),
    _u("customer", LIBRIVOX + "0890", 0.8, "shout"),
    _u("agent", "asterisk:goodbye", QUICK),
]
# One question at a time, patient replies, a whispering customer with short turns.
DOSES_SHY = [
    _u("agent", "asterisk:hello", 0.5),
    _u("agent", "asterisk:vm-savefolder", SAME_TURN),
    _u("customer", LIBRIVOX + "0880", PATIENT, "whisper"),
    _u("agent", "asterisk:vm-changeto", PATIENT),
    _u("agent", "asterisk:queue-periodic-announce", SAME_TURN),
    _u("customer", LIBRIVOX + "0930", PATIENT, "whisper"),
    _u("agent", "asterisk:vm-savefolder", PATIENT),
    _u("agent", "asterisk:tt-allbusy", SAME_TURN),
    _u("customer", LIBRIVOX + "0880", PATIENT, "whisper"),
    _u("agent", "asterisk:auth-thankyou", PATIENT),
    _u("agent", "asterisk:goodbye", SAME_TURN),
]
CALLS = {"stream_rude": STREAM_RUDE, "doses_shy": DOSES_SHY}


@functools.cache
def analysed(name: str) -> tuple[Report, RealCallTruth]:
    # Quieter than callgen's default so a shouted LibriVox peak does not clip.
    spec = RealCallSpec(
        name=name,
        country=None,
        utterances=CALLS[name],
        agent_level_dbov=-33.0,
        customer_level_dbov=-33.0,
    )
    audio, sr, truth = build_real_call(spec)
    options = AnalysisOptions(agent_channel=truth.agent_channel, language="en")
    return analyze(CallAudio(samples=np.asarray(audio), sample_rate=sr), options), truth


def _metric(report: Report, rule: str, key: str) -> object:
    return next(m.value for m in report.metrics if m.rule == rule and m.key == key)


def _truth_patience(truth: RealCallTruth) -> float:
    """Mean of the placed pauses from a customer's speech end to the agent's next start."""
    utts = sorted(truth.utterances, key=lambda u: u.start_s)
    gaps = [
        b.start_s - a.end_s
        for a, b in itertools.pairwise(utts)
        if a.party == "customer" and b.party == "agent"
    ]
    return statistics.fmean(gaps)


def test_a_stream_of_questions_and_quick_replies_on_real_voices() -> None:
    report, truth = analysed("stream_rude")
    assert _metric(report, "question_pacing", "questions") == 4
    assert _metric(report, "question_pacing", "longest_run") == 4
    patience = float(_metric(report, "question_pacing", "patience_s"))  # type: ignore[arg-type]
    assert abs(patience - _truth_patience(truth)) <= 0.15
    rules = {f.rule for f in report.findings if f.severity != "info"}
    assert "question_pacing" in rules


def test_questions_in_doses_and_patient_replies_on_real_voices() -> None:
    report, truth = analysed("doses_shy")
    assert _metric(report, "question_pacing", "questions") == 3
    assert _metric(report, "question_pacing", "longest_run") == 1
    patience = float(_metric(report, "question_pacing", "patience_s"))  # type: ignore[arg-type]
    assert abs(patience - _truth_patience(truth)) <= 0.15
    assert not [f for f in report.findings if f.rule == "question_pacing"]


def test_polite_phrases_counted_on_real_voices() -> None:
    # "Thank you.", "One moment, please." / "Please stay on the line", "Please hold", "Thank you."
    rude, _ = analysed("stream_rude")
    shy, _ = analysed("doses_shy")
    assert _metric(rude, "politeness", "count") == 2
    assert _metric(shy, "politeness", "count") == 3


def test_shouting_customer_is_rude_and_the_raised_reply_is_found() -> None:
    report, truth = analysed("stream_rude")
    assert _metric(report, "customer_type", "type") == "rude"
    shout = next(u for u in truth.utterances if u.party == "agent" and u.style == "shout")
    lapses = [f for f in report.findings if f.rule == "customer_type" and f.severity == "warning"]
    assert lapses and lapses[0].message.startswith(
        "The customer was rude: you raised your voice in reply at"
    )
    assert lapses[0].start_s is not None and abs(lapses[0].start_s - shout.start_s) < 0.5


def test_whispering_customer_with_short_turns_is_shy() -> None:
    report, _ = analysed("doses_shy")
    assert _metric(report, "customer_type", "type") == "shy"
    # The agent's questions here are open ("Which folder ...?"): not what a shy customer needs.
    assert any(
        "questions were closed" in f.message for f in report.findings if f.rule == "customer_type"
    )
