"""The session contract: cues not repeated, chunking irrelevant, finish clears, bad input
refused with a code, rules switchable, memory bounded."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.errors import CorruptAudioError, UnsupportedAudioError, UnsupportedLanguageError
from analyzers.live import LIVE_RULES, Cue, LiveSession, replay
from analyzers.live.monotone import WINDOW_S
from analyzers.live.state import KEEP_AUDIO_S
from analyzers.rule_table import RULE_IDS
from tests.analyzers.live.calls import (
    PROFILE,
    SCRIPTS,
    SR,
    agent_spans,
    needs_corpora,
    real_call,
    session,
    streamed,
)

ACOUSTIC_CALLS = ("dead_air", "interrupting", "shouting")


def _never_repeated(cues: list[Cue] | tuple[Cue, ...]) -> None:
    raised: dict[str, Cue] = {}
    checklist: dict[str, object] = {}
    for cue in cues:
        if cue.state == "raised":
            assert cue.key not in raised, cue
            raised[cue.key] = cue
        elif cue.state == "cleared":
            assert cue.key in raised, cue
            assert cue.at_s >= raised.pop(cue.key).at_s
        else:
            assert checklist.get(cue.key) != cue.detail, cue
            checklist[cue.key] = cue.detail
    assert raised == {}  # finish cleared them


@needs_corpora
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_cues_are_not_repeated_while_their_condition_persists(name: str) -> None:
    cues = streamed(name)
    _never_repeated(cues)
    assert all(c.at_s <= c.emitted_s for c in cues)


def _fired(cues: list[Cue] | tuple[Cue, ...]) -> list[tuple[str, str]]:
    return [(c.key, c.state) for c in cues]


@needs_corpora
@pytest.mark.slow
@pytest.mark.parametrize("name", ACOUSTIC_CALLS)
def test_chunk_size_does_not_change_which_cues_fire(name: str) -> None:
    audio, _ = real_call(name)
    rng = np.random.default_rng(7)
    small = streamed(name, 0.02, words=False)
    large = streamed(name, 0.1, words=False)
    ragged = replay(session(), audio[0], audio[1], SR, lambda: float(rng.uniform(0.001, 0.3)))
    assert small  # every one of these calls has cues
    for other in (large, ragged):
        assert _fired(other) == _fired(small)
        for a, b in zip(small, other, strict=True):
            assert abs(a.at_s - b.at_s) <= 0.15


@pytest.mark.slow
@pytest.mark.parametrize("name", ["shouting", "interrupting"])
def test_level_cues_are_measured_at_the_same_audio_moments_for_any_chunking(name: str) -> None:
    """The loudness and hold cues measure on a grid of audio time: a busy server that
    feeds ragged batches raises and clears them at exactly the same moments (a turn
    near a threshold once flipped with the chunking)."""
    import soundfile as sf

    from sample_audio.committed import SAMPLE_DIR

    audio, rate = sf.read(str(SAMPLE_DIR / f"{name}.wav"), dtype="float32")
    rng = np.random.default_rng(3)
    runs = [
        replay(LiveSession(PROFILE, rate), audio[:, 0], audio[:, 1], rate, chunk)
        for chunk in (0.02, 0.37, lambda: float(rng.uniform(0.001, 0.6)))
    ]
    levels = [[(c.key, c.state, c.at_s) for c in r if c.rule in ("loudness", "hold")] for r in runs]
    assert levels[0] == levels[1] == levels[2]
    assert _fired(runs[0]) == _fired(runs[1]) == _fired(runs[2])


@needs_corpora
@pytest.mark.slow
def test_chunk_size_does_not_change_word_cues() -> None:
    assert _fired(streamed("fast", 0.1)) == _fired(streamed("fast", 0.02))


@needs_corpora
def test_tracks_may_arrive_in_any_interleaving() -> None:
    audio, _ = real_call("dead_air")
    live = session(enabled={"unexplained_silence"})
    step = round(0.5 * SR)
    out: list[Cue] = []
    for lo in range(0, audio.shape[1], 2 * step):  # the customer a whole second behind
        out += live.feed("agent", audio[0, lo : lo + 2 * step])
        out += live.feed("customer", audio[1, lo : lo + step])
        out += live.feed("customer", audio[1, lo + step : lo + 2 * step])
    out += live.finish()
    reference = streamed("dead_air", words=False)
    assert _fired(out) == _fired([c for c in reference if c.rule == "unexplained_silence"])
    assert live.duration_s == pytest.approx(audio.shape[1] / SR)


@needs_corpora
def test_finish_clears_and_cues_lists_every_cue() -> None:
    audio, _ = real_call("dead_air")
    live = session()
    half = audio.shape[1] // 2  # stop inside nothing in particular
    returned = replay(live, audio[0, :half], audio[1, :half], SR)
    assert live.cues == returned
    assert live.finish() == []  # a second finish changes nothing
    with pytest.raises(RuntimeError):
        live.feed("agent", np.zeros(160, np.float32))


@needs_corpora
def test_only_enabled_rules_cue() -> None:
    audio, _ = real_call("interrupting")
    live = session(enabled={"interruption"})
    cues = replay(live, audio[0], audio[1], SR)
    assert cues and {c.rule for c in cues} == {"interruption"}
    assert replay(session(enabled=set()), audio[0], audio[1], SR) == []


def test_unknown_rule_and_bad_input_are_refused() -> None:
    with pytest.raises(ValueError, match="no live cue"):
        LiveSession(PROFILE, SR, enabled={"closing"})
    with pytest.raises(UnsupportedAudioError):
        LiveSession(PROFILE, 1000)
    with pytest.raises(UnsupportedLanguageError) as language:
        LiveSession(PROFILE, SR, language="xx")
    assert language.value.code
    live = LiveSession(PROFILE, SR)
    with pytest.raises(ValueError):
        live.feed("supervisor", np.zeros(10, np.float32))  # type: ignore[arg-type]
    with pytest.raises(UnsupportedAudioError) as wrong_shape:
        live.feed("agent", np.zeros((2, 10), np.float32))
    with pytest.raises(CorruptAudioError) as nan:
        live.feed("agent", np.array([0.0, np.nan], np.float32))
    assert wrong_shape.value.code and nan.value.code
    assert set(LIVE_RULES) <= set(RULE_IDS)


@needs_corpora
@pytest.mark.slow
def test_utterances_cover_the_agents_speech_and_samples_are_the_streamed_ones() -> None:
    audio, truth = real_call("shouting")
    live = session(enabled=set())
    handed = []
    for lo in range(0, audio.shape[1], 800):
        live.feed("agent", audio[0, lo : lo + 800])
        live.feed("customer", audio[1, lo : lo + 800])
        for u in live.pending_utterances():
            assert u.track == "agent"
            x = live.samples("agent", u.start_s, u.end_s)
            lo_s, hi_s = round(u.start_s * SR), round(u.end_s * SR)
            assert np.array_equal(x, audio[0, lo_s:hi_s])
            handed.append(u)
    for span in agent_spans(truth):
        inside = [
            u for u in handed if u.start_s - 0.3 <= span.start_s and span.end_s <= u.end_s + 0.3
        ]
        assert inside, span


@needs_corpora
@pytest.mark.slow
def test_memory_stays_bounded_on_a_long_call() -> None:
    audio, _ = real_call("shouting")  # 61 s, streamed 4 times over: 4 minutes
    long = np.tile(audio, 4)
    live = session()
    replay(live, long[0], long[1], SR, 0.1)
    call = live._call
    for buffer in call.audio.values():
        assert KEEP_AUDIO_S * SR <= buffer.end - buffer.start <= 2 * KEEP_AUDIO_S * SR
    monotone = next(d for d in live._detectors if type(d).__name__ == "Monotone")
    oldest = monotone._frames[0][0]  # type: ignore[attr-defined]
    assert oldest >= live.duration_s - WINDOW_S - 30.0
    assert live.samples("agent", 0.0, 1.0).tolist() == [0.0] * SR  # long dropped
