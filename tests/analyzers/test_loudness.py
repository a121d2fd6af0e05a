"""Active speech level (ITU-T P.56 method B) and per-turn loudness flags.

Ground truth: signals of known level (sines, square waves), known gains applied
to real speech, and a literal sample-by-sample transcription of the ITU-T G.191
``sv56`` speech voltmeter as the reference implementation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzers.errors import CorruptAudioError, UnsupportedAudioError
from analyzers.loudness import (
    active_speech_level_dbov,
    classify_turn_levels,
    level_envelope_dbov,
    turn_levels,
)
from analyzers.profile import default_profile
from sample_audio.espeak import espeak_available, synthesize

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"

SINE_DBOV_OFFSET = 10 * np.log10(0.5)  # a sine's RMS is amplitude / sqrt(2): -3.01 dB
needs_espeak = pytest.mark.skipif(
    not espeak_available(), reason="espeak-ng is not installed (apt-get install espeak-ng)"
)
TEXT = "Thank you for waiting. I have found your booking, and the room is confirmed for Tuesday."


def gain(db: float) -> float:
    return float(10 ** (db / 20))


def sine(amplitude: float, sample_rate: int, seconds: float = 4.0, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    return amplitude * np.sin(2 * np.pi * hz * t)


def speech(sample_rate: int = 8000, level_db: float = -26.0) -> np.ndarray:
    """espeak-ng speech scaled so its RMS (over everything, pauses included) is level_db."""
    x = synthesize(TEXT, "en-us+f3", 150, 50, 50, sample_rate).astype(np.float64)
    return x * gain(level_db) / np.sqrt(np.mean(x**2))


def sv56_reference(x: np.ndarray, sample_rate: int) -> float | None:
    """ITU-T G.191 sv56 speech voltmeter, sample by sample, 16 octave-spaced thresholds."""
    g = np.exp(-1.0 / (sample_rate * 0.03))
    hangover = int(np.floor(0.2 * sample_rate + 0.5))
    margin = 15.9
    thresholds = 2.0 ** np.arange(-15, 1)  # 16-bit: 1 LSB .. full scale
    active = np.zeros(thresholds.size)
    hang = np.full(thresholds.size, hangover)
    p = q = 0.0
    energy = 0.0
    for v in x:
        energy += v * v
        p = g * p + (1 - g) * abs(v)
        q = g * q + (1 - g) * p
        above = q >= thresholds
        active += above
        hang[above] = 0
        holding = ~above & (hang < hangover)
        active += holding
        hang[holding] += 1
    if active[0] == 0:
        return None
    level = 10 * np.log10(energy / np.maximum(active, 1e-300))
    c_db = 20 * np.log10(thresholds)
    for j in range(1, thresholds.size):
        if active[j] == 0:
            break
        if level[j] - c_db[j] <= margin:
            d0, d1 = level[j - 1] - c_db[j - 1], level[j] - c_db[j]
            frac = (d0 - margin) / (d0 - d1)
            return float(c_db[j - 1] + frac * (c_db[j] - c_db[j - 1]) + margin)
    return None


# --- known levels ----------------------------------------------------------------------


@pytest.mark.parametrize("sample_rate", [8000, 16000])
@pytest.mark.parametrize("amplitude", [1.0, 0.1, 0.01])
def test_sine_reads_its_analytic_level(amplitude: float, sample_rate: int) -> None:
    level = active_speech_level_dbov(sine(amplitude, sample_rate), sample_rate)
    assert level == pytest.approx(20 * np.log10(amplitude) + SINE_DBOV_OFFSET, abs=0.1)


def test_full_scale_square_wave_is_0_dbov() -> None:
    square = np.sign(sine(1.0, 8000, hz=250.0))
    square[square == 0] = 1.0
    assert active_speech_level_dbov(square, 8000) == pytest.approx(0.0, abs=0.1)


def test_matches_the_sv56_reference_on_a_sine_burst() -> None:
    x = np.concatenate([np.zeros(4000), sine(0.05, 8000, seconds=1.5), np.zeros(4000)])
    assert active_speech_level_dbov(x, 8000) == pytest.approx(sv56_reference(x, 8000), abs=0.1)


@pytest.mark.espeak
@needs_espeak
@pytest.mark.parametrize("level_db", [-20.0, -35.0])
def test_matches_the_sv56_reference_on_speech(level_db: float) -> None:
    x = speech(level_db=level_db)[:16000]
    reference = sv56_reference(x, 8000)
    assert reference is not None
    # The reference interpolates between thresholds 6 dB apart; we search a 0.05 dB grid.
    assert active_speech_level_dbov(x, 8000) == pytest.approx(reference, abs=0.3)


@pytest.mark.espeak
@needs_espeak
@pytest.mark.parametrize("db", [10.0, -20.0])
def test_gain_moves_the_level_by_the_gain(db: float) -> None:
    x = speech()
    before = active_speech_level_dbov(x, 8000)
    after = active_speech_level_dbov(x * gain(db), 8000)
    assert before is not None and after is not None
    assert after - before == pytest.approx(db, abs=0.3)


@pytest.mark.espeak
@needs_espeak
def test_inserted_silence_leaves_the_active_level_unchanged() -> None:
    x = speech()
    third = x.size // 3
    pause = np.zeros(3 * 8000)
    paused = np.concatenate([pause, x[:third], pause, x[third : 2 * third], pause, x[2 * third :]])

    level = active_speech_level_dbov(x, 8000)
    paused_level = active_speech_level_dbov(paused, 8000)

    assert level is not None and paused_level is not None
    assert paused_level == pytest.approx(level, abs=0.5)
    rms_drop = 10 * np.log10(np.mean(x**2) / np.mean(paused**2))
    assert rms_drop > 3.0  # a plain RMS meter would have read the pauses as a quieter voice


@pytest.mark.parametrize("blocks", [None, (7, 1000)])  # slice and count stretch sizes
def test_pieces_read_as_their_concatenation(
    blocks: tuple[int, int] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A party's speech stretches measured in place: the very level of the stretches
    joined in one array, however the joined signal is sliced and counted."""
    import itertools

    import analyzers.loudness
    from analyzers.audio import load_audio

    x = load_audio(SAMPLES / "good_call.wav").samples[0]
    whole = active_speech_level_dbov(x, 8000)
    if blocks is not None:
        monkeypatch.setattr(analyzers.loudness, "_SLICE_BLOCKS", blocks[0])
        monkeypatch.setattr(analyzers.loudness, "_COUNT_BLOCKS", blocks[1])
    cuts = [0, 1, 8000, 40_001, 40_002, 123_457, 250_000, x.size]
    pieces = [x[a:b] for a, b in itertools.pairwise(cuts)]
    assert whole is not None and active_speech_level_dbov(pieces, 8000) == whole
    assert active_speech_level_dbov([], 8000) is None


def test_no_speech_has_no_level() -> None:
    assert active_speech_level_dbov(np.zeros(8000), 8000) is None
    assert active_speech_level_dbov(np.zeros(0), 8000) is None
    hiss = np.random.default_rng(0).normal(0, gain(-85.0), 8000)
    assert active_speech_level_dbov(hiss, 8000) is None


def test_bad_input_gets_typed_errors() -> None:
    with pytest.raises(UnsupportedAudioError):
        active_speech_level_dbov(np.zeros((2, 800)), 8000)
    with pytest.raises(CorruptAudioError):
        active_speech_level_dbov(np.array([0.0, np.inf]), 8000)
    with pytest.raises(UnsupportedAudioError):
        turn_levels(np.zeros(800), 0, [(0.0, 0.1)])
    with pytest.raises(UnsupportedAudioError):
        level_envelope_dbov(np.zeros(800, dtype=np.int16), 8000)


# --- turns and envelope ----------------------------------------------------------------


def test_turn_levels_measure_each_span() -> None:
    sample_rate = 8000
    gap = np.zeros(sample_rate)
    turns = [sine(a, sample_rate, seconds=2.0) for a in (0.05, 0.2, 0.01)]
    x = np.concatenate([gap, turns[0], gap, turns[1], gap, turns[2], gap])
    spans = [(1.0, 3.0), (4.0, 6.0), (7.0, 9.0), (9.2, 9.9), (20.0, 21.0)]

    levels = turn_levels(x, sample_rate, spans)

    expected = [20 * np.log10(a) + SINE_DBOV_OFFSET for a in (0.05, 0.2, 0.01)]
    assert levels[:3] == pytest.approx(expected, abs=0.1)
    assert levels[3] is None  # silence
    assert levels[4] is None  # beyond the end


def test_level_envelope_has_one_value_per_hop() -> None:
    sample_rate = 8000
    x = np.concatenate([sine(0.1, sample_rate, seconds=1.0), np.zeros(sample_rate // 2 + 40)])

    envelope = level_envelope_dbov(x, sample_rate, hop_s=0.1)

    assert envelope.shape == (16,)  # 1.505 s: 15 whole hops and a partial one
    assert envelope[:10] == pytest.approx(20 * np.log10(0.1) + SINE_DBOV_OFFSET, abs=0.05)
    assert np.all(envelope[10:] == -90.0)


# --- classification --------------------------------------------------------------------


def test_classify_flags_only_the_outliers() -> None:
    levels = [-26.0, -25.5, -18.0, -26.5, -38.0, -27.0, None]
    flags = classify_turn_levels(
        levels,
        raised_db_above_median=6.0,
        whisper_db_below_median=10.0,
        min_dbov=-36.0,
        max_dbov=-16.0,
    )
    assert flags == [None, None, "raised", None, "whisper", None, None]


def test_classify_absolute_range_when_the_voice_is_steady() -> None:
    kwargs = {
        "raised_db_above_median": 6.0,
        "whisper_db_below_median": 10.0,
        "min_dbov": -36.0,
        "max_dbov": -16.0,
    }
    assert classify_turn_levels([-12.0, -13.0, -12.5], **kwargs) == ["too_loud"] * 3
    assert classify_turn_levels([-40.0, -41.0, -39.0], **kwargs) == ["too_quiet"] * 3
    assert classify_turn_levels([None, None], **kwargs) == [None, None]
    assert classify_turn_levels([], **kwargs) == []


@pytest.mark.espeak
@needs_espeak
def test_shouted_and_whispered_turns_are_flagged_in_real_speech() -> None:
    rng = default_profile().loudness
    sample_rate = 8000
    voice = speech(sample_rate, level_db=-28.0)
    turn_gains_db = [0.0, 0.5, -0.5, 8.0, 0.0, -12.0, 1.0, -1.0]  # shout 4th, whisper 6th
    pieces, spans, t = [], [], 0.0
    for db in turn_gains_db:
        turn = voice * gain(db)
        pieces += [turn, np.zeros(sample_rate // 2)]
        spans.append((t, t + turn.size / sample_rate))
        t += turn.size / sample_rate + 0.5
    x = np.concatenate(pieces)
    x += np.random.default_rng(0).normal(0, gain(-60.0), x.size)  # line noise

    levels = turn_levels(x, sample_rate, spans)
    flags = classify_turn_levels(
        levels,
        raised_db_above_median=rng.raised_db_above_median,
        whisper_db_below_median=rng.whisper_db_below_median,
        min_dbov=rng.min_dbov,
        max_dbov=rng.max_dbov,
    )

    assert flags == [None, None, None, "raised", None, "whisper", None, None]
    normal = [lvl for lvl, db in zip(levels, turn_gains_db, strict=True) if db == 0.0]
    assert levels[3] - normal[0] == pytest.approx(8.0, abs=0.3)
    assert levels[5] - normal[0] == pytest.approx(-12.0, abs=0.3)
