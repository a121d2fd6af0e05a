"""Calls from real recorded speech agree with their truth.

Every claim in ``RealCallTruth`` is checked against the signal with plain energy
measurements, independent of how the builder located and placed the speech.
The corpus tests skip when the Debian speech corpora are not installed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from analyzers.profile import default_profile
from sample_audio import realcalls
from sample_audio.levels import active_level_dbov
from sample_audio.realcalls import (
    REAL_CALL_RECIPES,
    CorpusUnavailableError,
    RealCallTruth,
    RealUtteranceTruth,
    available,
    build_real_call,
    compose_call,
    load_prompt,
    missing_corpora,
    normalize_text,
    real_call_spec,
    speech_bounds,
)
from sample_audio.spec import count_words

needs_corpora = pytest.mark.skipif(
    not available(),
    reason=f"speech corpora missing: apt-get install {' '.join(missing_corpora())}",
)
FRAME_S = 0.01
QUIET_DBOV = -50.0  # line noise is -60 dBov, crosstalk of -27 dBov speech about -57
CALLS = sorted(REAL_CALL_RECIPES)


@functools.cache
def built(name: str) -> tuple[np.ndarray, int, RealCallTruth]:
    audio, sr, truth = build_real_call(real_call_spec(name))
    audio.setflags(write=False)
    return audio, sr, truth


def rms_dbov(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, dtype=np.float64) ** 2) + 1e-20))


def frame_dbov(x: np.ndarray, sr: int) -> np.ndarray:
    n = round(FRAME_S * sr)
    m = len(x) // n
    frames = np.asarray(x[: m * n], dtype=np.float64).reshape(m, n)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)


def segment(x: np.ndarray, sr: int, start_s: float, end_s: float) -> np.ndarray:
    return x[max(0, round(start_s * sr)) : round(end_s * sr)]


def others(truth: RealCallTruth, u: RealUtteranceTruth) -> list[RealUtteranceTruth]:
    return [o for o in truth.utterances if o.index != u.index]


# --- no corpus needed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("corpus", "normalised"),
    [
        (
            "Login incorrect.  Please enter your agent number.",
            "login incorrect please enter your agent number",
        ),
        ("I'm sorry, that number is not valid.", "i'm sorry that number is not valid"),
        ("Call-Forward on No Answer.", "call forward on no answer"),
        ("Please leave your message. (simple tone sound plays)", "please leave your message"),
        ("<s> he was not an ill disposed young man </s>", "he was not an ill disposed young man"),
        ("All of our represenatives are busy...", "all of our representatives are busy"),
        ("[ascending tones]", ""),
        ("Sorry you’re having problems!", "sorry you're having problems"),
    ],
)
def test_normalize_text(corpus: str, normalised: str) -> None:
    assert normalize_text(corpus) == normalised


def test_speech_bounds_find_a_burst_in_noise() -> None:
    sr = 8000
    rng = np.random.default_rng(1)
    x = 1e-3 * rng.standard_normal(3 * sr)  # floor -60 dB
    t = np.arange(round(1.2 * sr)) / sr
    x[round(0.7 * sr) : round(0.7 * sr) + t.size] += 0.3 * np.sin(2 * np.pi * 200 * t)
    x[round(2.5 * sr) : round(2.5 * sr) + 16] += 0.9  # a 2 ms click is not speech
    start, end = speech_bounds(x.astype(np.float32), sr)
    assert start == pytest.approx(0.7, abs=0.011)
    assert end == pytest.approx(1.9, abs=0.011)
    with pytest.raises(ValueError, match="silent"):
        speech_bounds(np.zeros(sr, dtype=np.float32), sr)


def test_missing_corpora_are_named_and_building_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(realcalls, "LIBRIVOX_DIR", tmp_path)
    assert "pocketsphinx-testdata" in missing_corpora()
    assert not available()
    spec = realcalls.RealCallSpec(
        name="x", utterances=[{"party": "agent", "source": "asterisk:hello"}]
    )
    with pytest.raises(CorpusUnavailableError, match="pocketsphinx-testdata"):
        build_real_call(spec)


def test_turn_time_joins_a_party_across_short_pauses_unless_the_other_starts() -> None:
    def utt(i: int, party: str, start: float, end: float) -> RealUtteranceTruth:
        return RealUtteranceTruth(
            index=i, party=party, channel=0 if party == "agent" else 1, start_s=start,
            end_s=end, duration_s=end - start, text="x", word_count=1, wpm=1.0,
            style="normal", level_dbov=-28.0, voice="v", language="en", source="asterisk:x",
            corpus_text="x", source_start_s=0.0, source_end_s=end - start,
        )  # fmt: skip

    utts = [
        utt(0, "agent", 0.0, 2.0),
        utt(1, "agent", 2.5, 4.0),  # 0.5 s pause: same turn
        utt(2, "agent", 5.0, 6.0),  # 1.0 s pause: new turn
        utt(3, "customer", 6.2, 7.0),  # starts inside the next 0.5 s agent pause
        utt(4, "agent", 6.5, 8.0),
        utt(5, "agent", 7.5, 9.0),  # overlaps its own previous clip
    ]
    assert realcalls._turn_time(utts, "agent", 0.7) == pytest.approx(4.0 + 1.0 + 2.5)
    assert realcalls._turn_time(utts, "agent", 1.5) == pytest.approx(6.0 + 2.5)


# --- the corpora ---------------------------------------------------------------------


@needs_corpora
@pytest.mark.parametrize(
    "source",
    sorted(
        {*realcalls.AGENT_QUIET, *realcalls.AGENT_HOLDING, *realcalls.AGENT_CLOSING}
        | {realcalls.AGENT_OPENING, realcalls.AGENT_ANNOUNCE, *realcalls.CUSTOMER_SENTENCES}
    ),
)
def test_prompt_bounds_enclose_the_speech_and_only_it(source: str) -> None:
    prompt = load_prompt(source)
    sr = realcalls.SAMPLE_RATE
    inside = segment(prompt.audio, sr, prompt.speech_start_s, prompt.speech_end_s)
    before = segment(prompt.audio, sr, 0.0, prompt.speech_start_s - 0.03)
    after = segment(prompt.audio, sr, prompt.speech_end_s + 0.03, len(prompt.audio) / sr)
    loud = rms_dbov(inside)
    for outside in (before, after):
        if outside.size >= round(0.03 * sr):
            assert rms_dbov(outside) < loud - 20.0
    # Speech reaches the bounds: the first and last 50 ms inside are well above the floor.
    floor = np.percentile(frame_dbov(prompt.audio, sr), 10)
    edge = round(0.1 * sr)
    assert frame_dbov(inside[:edge], sr).max() > floor + 15.0
    assert frame_dbov(inside[-edge:], sr).max() > floor + 15.0
    assert prompt.text and prompt.text == normalize_text(prompt.corpus_text)
    assert not any(c.isdigit() for c in prompt.text)


@needs_corpora
def test_building_is_deterministic_and_the_seed_drives_it() -> None:
    spec = real_call_spec("real_hold")
    assert (
        compose_call("real_hold", 11, announced_silence_s=6.0, description=spec.description) == spec
    )
    assert compose_call("other", 12).utterances != compose_call("other", 11).utterances
    first, _, truth = built("real_hold")
    again, _, truth_again = build_real_call(spec)
    assert np.array_equal(first, again) and truth == truth_again
    reseeded, _, _ = build_real_call(spec.model_copy(update={"seed": 99}))
    assert not np.array_equal(first, reseeded)


@needs_corpora
@pytest.mark.parametrize("name", CALLS)
def test_utterances_are_where_the_truth_says(name: str) -> None:
    audio, sr, truth = built(name)
    assert audio.shape == (2, round(truth.duration_s * sr)) and sr == 8000
    for u in truth.utterances:
        x = audio[u.channel]
        assert u.text == normalize_text(u.corpus_text) and u.word_count == count_words(u.text)
        assert u.duration_s == pytest.approx(u.source_end_s - u.source_start_s, abs=2 / sr)
        assert u.wpm == pytest.approx(u.word_count / u.duration_s * 60)
        # The set P.56 level (crosstalk and noise are >= 30 dB down).
        assert active_level_dbov(segment(x, sr, u.start_s, u.end_s), sr) == pytest.approx(
            u.level_dbov, abs=1.0
        )
        # Tight bounds: sound 5 dB over the line noise within 0.1 s of each bound (a weak
        # final fricative, as in "problems", is not much more).
        assert frame_dbov(segment(x, sr, u.start_s, u.start_s + 0.1), sr).max() > -55.0
        assert frame_dbov(segment(x, sr, u.end_s - 0.1, u.end_s), sr).max() > -55.0
        # Complete: the recording kept around the speech holds under 1 % of its energy.
        energy = float(np.sum(segment(x, sr, u.start_s, u.end_s).astype(np.float64) ** 2))
        for a, b in ((u.start_s - 0.12, u.start_s), (u.end_s, u.end_s + 0.12)):
            if not any(
                o.channel == u.channel and o.start_s < b and o.end_s > a for o in others(truth, u)
            ):
                margin = segment(x, sr, a, b).astype(np.float64)
                assert float(np.sum(margin**2)) < 0.01 * energy


@needs_corpora
@pytest.mark.parametrize("name", CALLS)
def test_silences_are_silent_on_both_lines(name: str) -> None:
    audio, sr, truth = built(name)
    assert truth.silences, "every call has gaps of >= 1 s"
    for s in truth.silences:
        # The placed clips keep 0.12 s of their own recording around the speech.
        for ch in (0, 1):
            quiet = segment(audio[ch], sr, s.start_s + 0.15, s.end_s - 0.15)
            assert frame_dbov(quiet, sr).max() < QUIET_DBOV, (ch, s)


@needs_corpora
@pytest.mark.parametrize("name", CALLS)
def test_ringback_before_the_answer_and_agent_line_dead(name: str) -> None:
    audio, sr, truth = built(name)
    answer = round(truth.answered_at_s * sr)
    assert truth.rings is not None and len(truth.ring_times) == truth.rings
    assert not audio[truth.agent_channel, :answer].any()
    ringback = audio[truth.customer_channel]
    for a, b in truth.ring_times:
        assert rms_dbov(segment(ringback, sr, a + 0.05, b - 0.05)) > -26.0
    assert truth.utterances[0].start_s > truth.answered_at_s


@needs_corpora
@pytest.mark.parametrize("name", CALLS)
def test_overlaps_are_the_interruptions(name: str) -> None:
    audio, sr, truth = built(name)
    expected = {
        "real_hold": [],
        "real_interrupting": ["agent", "agent"],
        "real_talked_over": ["customer"],
    }[name]
    assert [i.by for i in truth.interruptions] == expected
    for i in truth.interruptions:
        assert 1.6 - 1e-6 <= i.duration_s <= 2.4 + 1e-6
        for ch in (0, 1):
            assert rms_dbov(segment(audio[ch], sr, i.start_s, i.end_s)) > QUIET_DBOV + 15


@needs_corpora
def test_recipes_place_their_events() -> None:
    _, _, hold = built("real_hold")
    assert [(round(s.duration_s, 3), s.announced) for s in hold.silences if s.duration_s > 3] == [
        (6.0, True)
    ]
    _, _, rude = built("real_interrupting")
    assert [(round(s.duration_s, 3), s.announced) for s in rude.silences if s.duration_s > 3] == [
        (5.5, False)
    ]
    _, _, over = built("real_talked_over")
    assert over.agent_channel == 1 and over.rings == 1 and over.country == "US"
    for truth in (hold, rude, over):
        assert 55.0 <= truth.duration_s <= 75.0
        assert truth.utterances[0].source == realcalls.AGENT_OPENING
        assert [u.source for u in truth.utterances[-2:]] == list(realcalls.AGENT_CLOSING)
        # Reply and same-turn gaps stay clear of the turn merge gap (0.7 s).
        assert truth.turn_merge_gap_s == default_profile().activity.turn_merge_gap_s


@needs_corpora
@pytest.mark.parametrize("name", CALLS)
def test_party_truth_is_the_sum_of_its_utterances(name: str) -> None:
    _, _, truth = built(name)
    for party, figures in truth.parties.items():
        mine = [u for u in truth.utterances if u.party == party]
        assert figures.words == sum(u.word_count for u in mine)
        assert figures.talk_time_s <= figures.turn_time_s <= figures.talk_time_s + 0.7 * len(mine)
        assert figures.turn_wpm == pytest.approx(figures.words / figures.turn_time_s * 60)
    assert RealCallTruth.model_validate_json(truth.model_dump_json()) == truth
