"""Voice activity against ground truth: where speech was placed in the audio.

Fast tests use synthetic signals (noise, tones, a voice-like harmonic signal);
``espeak`` tests use sample_audio.callgen calls with line noise and crosstalk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzers.activity import detect_activity, frame_energy_db
from analyzers.errors import CorruptAudioError, EmptyAudioError, UnsupportedAudioError
from analyzers.ringback_plans import RINGBACK_PLANS, synthesize_ringback
from analyzers.spans import Span
from tests.analyzers.call_cache import built_call, truth_speech

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"

SR = 8000
BOUNDARY_TOLERANCE_S = 0.2


def _noise(n: int, level_dbov: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * 10 ** (level_dbov / 20)).astype(np.float32)


def _voice_like(duration_s: float, level_dbov: float, f0_hz: float = 120.0) -> np.ndarray:
    """A harmonic signal whose pitch glides and whose level rises and falls like syllables."""
    t = np.arange(round(duration_s * SR)) / SR
    f0 = f0_hz * (1 + 0.15 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(f0) / SR
    harmonics = sum(np.sin(k * phase) / k for k in range(1, 25) if k * f0_hz < 3400)
    syllables = 0.3 + 0.7 * np.abs(np.sin(2 * np.pi * 2.5 * t))
    x = harmonics * syllables
    x *= 10 ** (level_dbov / 20) / np.sqrt(np.mean(x**2))
    return x.astype(np.float32)


def _place(n: int, start_s: float, signal: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=np.float32)
    a = round(start_s * SR)
    out[a : a + len(signal)] = signal[: n - a]
    return out


def _overlaps(seg: Span, spans: list[Span], slack_s: float = 0.0) -> bool:
    return any(seg.start_s < s.end_s + slack_s and seg.end_s > s.start_s - slack_s for s in spans)


def _boundary_errors(detected: list[Span], truth: list[Span]) -> list[tuple[float, float]]:
    """(start error, end error) of each truth span against the detected speech covering it."""
    errors = []
    for span in truth:
        covering = [d for d in detected if _overlaps(d, [span])]
        assert covering, f"speech at {span} not detected"
        errors.append((covering[0].start_s - span.start_s, covering[-1].end_s - span.end_s))
    return errors


# --- frame_energy_db ---------------------------------------------------------


def test_frame_energy_of_a_sine_is_its_rms_level() -> None:
    t = np.arange(SR) / SR
    sine = (0.1 * np.sqrt(2) * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)  # -20 dBov
    db = frame_energy_db(sine, SR)
    assert len(db) == 100
    assert np.allclose(db[2:-2], -20.0, atol=0.1)
    # Frame 0's 25 ms window is centred on the first 10 ms: 140 of its 200 samples are signal.
    assert db[0] == pytest.approx(-20.0 + 10 * np.log10(140 / 200), abs=0.1)


def test_frame_energy_of_silence_is_the_floor_and_shape_is_checked() -> None:
    db = frame_energy_db(np.zeros(1234, dtype=np.float32), SR)
    assert len(db) == int(np.ceil(1234 / 80))
    assert np.all(db == -120.0)
    with pytest.raises(ValueError, match="mono"):
        frame_energy_db(np.zeros((2, 100)), SR)


# --- no speech -----------------------------------------------------------------


def test_silence_only_call_gives_no_segments() -> None:
    assert detect_activity(np.zeros((2, 30 * SR), dtype=np.float32), SR) == [[], []]


@pytest.mark.parametrize("level_dbov", [-60.0, -45.0, -30.0])
def test_noise_only_channels_give_no_segments(level_dbov: float) -> None:
    n = 30 * SR
    noise = np.stack([_noise(n, level_dbov, 1), _noise(n, level_dbov, 2)])
    assert detect_activity(noise, SR) == [[], []]


@pytest.mark.parametrize("country", sorted(RINGBACK_PLANS))
@pytest.mark.parametrize("level_dbov", [-10.0, -35.0])
def test_ringback_tone_is_not_speech(country: str, level_dbov: float) -> None:
    tone, _ = synthesize_ringback(RINGBACK_PLANS[country], 4, SR, level_dbov)
    n = len(tone)
    line = np.stack([tone + _noise(n, -55.0, 1), _noise(n, -55.0, 2)])
    assert detect_activity(line, SR) == [[], []]


def test_steady_pure_tone_is_not_speech() -> None:
    t = np.arange(10 * SR) / SR
    tone = (0.05 * np.sin(2 * np.pi * 1004 * t)).astype(np.float32)
    assert detect_activity(np.stack([tone, _noise(len(t), -60.0)]), SR) == [[], []]


# --- voice-like signal, no espeak ----------------------------------------------


def test_voice_like_signal_is_found_with_tight_bounds() -> None:
    n = 12 * SR
    agent = _place(n, 1.0, _voice_like(2.5, -26.0)) + _noise(n, -55.0, 1)
    customer = _place(n, 5.0, _voice_like(3.0, -26.0, f0_hz=200.0)) + _noise(n, -55.0, 2)
    found = detect_activity(np.stack([agent, customer]), SR)
    assert len(found[0]) == 1 and len(found[1]) == 1
    for seg, (start, end) in zip((found[0][0], found[1][0]), ((1.0, 3.5), (5.0, 8.0)), strict=True):
        assert abs(seg.start_s - start) <= 0.05
        assert abs(seg.end_s - end) <= 0.05


def test_voice_in_loud_steady_noise_is_found_whole() -> None:
    # White noise at -38 dBov: the voices stand only 8 and 12 dB above it (issue 10's
    # 15 dB SNR line and worse). Margins made for a clean line found neither.
    n = 20 * SR
    voices = _place(n, 2.0, _voice_like(2.5, -26.0)) + _place(n, 9.0, _voice_like(3.0, -30.0))
    agent = voices + _noise(n, -38.0, 1)
    found = detect_activity(np.stack([agent, _noise(n, -55.0, 2)]), SR)
    assert found[1] == []
    assert len(found[0]) == 2
    for seg, (start, end) in zip(found[0], ((2.0, 4.5), (9.0, 12.0)), strict=True):
        assert abs(seg.start_s - start) <= 0.1
        assert abs(seg.end_s - end) <= 0.1


def test_exclude_masks_a_stretch_and_ringback_before_speech_does_not_move_it() -> None:
    tone, _ = synthesize_ringback(RINGBACK_PLANS["SE"], 2, SR, -15.0)  # 12 s
    n = len(tone) + 6 * SR
    voice = _voice_like(2.0, -26.0)
    customer = _place(n, 0.0, tone) + _place(n, 13.0, voice) + _noise(n, -55.0)
    agent = _place(n, 13.0 + 2.5, voice)  # the agent's line: digital silence then speech
    found = detect_activity(np.stack([agent, customer]), SR)
    assert [(round(s.start_s, 1), round(s.end_s, 1)) for s in found[1]] == [(13.0, 15.0)]
    assert [(round(s.start_s, 1), round(s.end_s, 1)) for s in found[0]] == [(15.5, 17.5)]
    masked = detect_activity(np.stack([agent, customer]), SR, exclude=[(0.0, 14.0)])
    assert masked[1] and masked[1][0].start_s >= 14.0
    assert masked[0] == found[0]


def test_min_speech_and_min_gap() -> None:
    n = 8 * SR
    x = (
        _place(n, 1.0, _voice_like(1.0, -26.0))
        + _place(n, 2.2, _voice_like(1.0, -26.0))  # 0.2 s gap: bridged
        + _place(n, 5.0, _voice_like(0.15, -26.0))  # too short
        + _noise(n, -55.0)
    )
    found = detect_activity(x, SR)  # 1-D: one channel
    assert len(found) == 1
    assert [(round(s.start_s, 1), round(s.end_s, 1)) for s in found[0]] == [(1.0, 3.2)]
    split = detect_activity(x, SR, min_gap_s=0.1, min_speech_s=0.1)
    assert len(split[0]) == 3


def test_one_sided_leak_is_echo_but_double_talk_survives() -> None:
    # A quiet line, so the leak (-20 dB, 30 ms late) stands well above the noise.
    n = 14 * SR
    delay = round(0.03 * SR)
    agent_voice = _place(n, 1.0, _voice_like(6.0, -22.0))
    customer_voice = _place(n, 4.0, _voice_like(4.0, -30.0, f0_hz=210.0))  # quieter, talks over
    leak = 10 ** (-20 / 20) * np.concatenate([np.zeros(delay), agent_voice[:-delay]])
    agent = agent_voice + _noise(n, -70.0, 1)
    customer = customer_voice + leak.astype(np.float32) + _noise(n, -70.0, 2)
    found = detect_activity(np.stack([agent, customer]), SR)
    assert [(round(s.start_s, 1), round(s.end_s, 1)) for s in found[0]] == [(1.0, 7.0)]
    # The echo of the agent (1-4 s) is not the customer's speech; the customer's own is.
    assert [(round(s.start_s, 1), round(s.end_s, 1)) for s in found[1]] == [(4.0, 8.0)]


# --- bad input -------------------------------------------------------------------


def test_bad_input_raises_typed_errors() -> None:
    with pytest.raises(EmptyAudioError):
        detect_activity(np.zeros((2, 0), dtype=np.float32), SR)
    bad = np.zeros((2, SR), dtype=np.float32)
    bad[0, 10] = np.nan
    with pytest.raises(CorruptAudioError):
        detect_activity(bad, SR)
    with pytest.raises(UnsupportedAudioError):
        detect_activity(np.zeros((2, 2, SR), dtype=np.float32), SR)
    with pytest.raises(UnsupportedAudioError):
        detect_activity(np.zeros((2, SR), dtype=np.float32), 0)
    with pytest.raises(UnsupportedAudioError):
        detect_activity(np.array([["a", "b"]]), SR)
    with pytest.raises(ValueError, match="exclude"):
        detect_activity(np.zeros((2, SR), dtype=np.float32), SR, exclude=[(2.0, 1.0)])


def test_channels_given_one_by_one_are_the_array() -> None:
    """A paged call hands its channels over one at a time (each read once, its tone cues
    dropped before the next): the same speech as the (channels, n) array, crosstalk
    included; each channel is checked as it comes."""
    from analyzers.audio import load_audio

    samples = load_audio(SAMPLES / "good_call.wav").samples
    channels = [samples[0], samples[1]]
    assert detect_activity(channels, SR) == detect_activity(samples, SR)
    with pytest.raises(UnsupportedAudioError, match="differ in length"):
        detect_activity([samples[0], samples[1][:-1]], SR)
    with pytest.raises(CorruptAudioError):
        detect_activity([samples[0], np.full(samples.shape[1], np.nan, np.float32)], SR)
    with pytest.raises(UnsupportedAudioError):
        detect_activity([], SR)


# --- espeak calls from sample_audio.callgen --------------------------------------

# Line noise -55 dBov and each party leaking into the other's channel at -25 dB:
# noisier and leakier than the generator's defaults.
HARSH = {"noise_dbov": -55.0, "crosstalk_db": -25.0}
# A quiet line with a strong leak: the echo stands 40 dB above the noise.
ECHOEY = {"noise_dbov": -70.0, "crosstalk_db": -20.0}


@pytest.mark.espeak
@pytest.mark.parametrize("line", [HARSH, ECHOEY], ids=["noisy", "echoey"])
@pytest.mark.parametrize("name", ["good_call", "interrupting", "dead_air", "good_call_sv"])
def test_boundaries_match_placed_speech_and_nothing_else_is_speech(
    name: str, line: dict[str, float]
) -> None:
    audio, sr, truth = built_call(name, **line)
    found = detect_activity(audio, sr)  # no exclude: the ringback must not count on its own
    for party, channel in (("agent", truth.agent_channel), ("customer", truth.customer_channel)):
        spans = truth_speech(truth, party)
        errors = _boundary_errors(found[channel], spans)
        worst = max(max(abs(a), abs(b)) for a, b in errors)
        assert worst <= BOUNDARY_TOLERANCE_S, f"{party}: boundary off by {worst:.2f} s"
        # Echo, noise and ringback produce no speech of their own.
        stray = [s for s in found[channel] if not _overlaps(s, spans, BOUNDARY_TOLERANCE_S)]
        assert stray == [], f"{party}: speech found where none was placed: {stray}"
        assert all(s.start_s >= truth.answered_at_s for s in found[channel])


@pytest.mark.espeak
@pytest.mark.parametrize("crosstalk_db", [-20.0, -25.0, -30.0])
def test_delayed_crosstalk_is_not_the_listeners_speech(crosstalk_db: float) -> None:
    clean, sr, truth = built_call("good_call", noise_dbov=None, crosstalk_db=None)
    delay = round(0.045 * sr)  # longer echo path than the generator's
    gain = 10 ** (crosstalk_db / 20)
    mixed = clean.copy()
    mixed[:, delay:] += gain * clean[::-1, :-delay]
    mixed += np.stack([_noise(clean.shape[1], -65.0, s) for s in (1, 2)])
    found = detect_activity(mixed, sr, exclude=[(0.0, truth.answered_at_s)])
    for party, channel in (("agent", truth.agent_channel), ("customer", truth.customer_channel)):
        spans = truth_speech(truth, party)
        stray = [s for s in found[channel] if not _overlaps(s, spans, BOUNDARY_TOLERANCE_S)]
        assert stray == [], f"{party}: echo taken for speech: {stray}"
        assert len(_boundary_errors(found[channel], spans)) == len(spans)


@pytest.mark.espeak
def test_quieter_interrupter_survives_as_double_talk() -> None:
    # The agent talks over the customer 5 dB quieter than the customer speaks.
    audio, sr, truth = built_call(
        "interrupting", agent_level_dbov=-30.0, customer_level_dbov=-25.0, **HARSH
    )
    agent = detect_activity(audio, sr)[truth.agent_channel]
    customer_spans = truth_speech(truth, "customer")
    overlapping = [
        u
        for u in truth.utterances
        if u.party == "agent" and any(c.start_s < u.start_s < c.end_s for c in customer_spans)
    ]
    assert len(overlapping) == 2
    for u in overlapping:
        covering = [s for s in agent if s.start_s < u.end_s and s.end_s > u.start_s]
        assert covering, f"agent's double talk at {u.start_s:.2f} s lost"
        assert abs(covering[0].start_s - u.start_s) <= BOUNDARY_TOLERANCE_S
