"""F0 tracking and pitch monotony against ground truth and against Praat.

Ground truth: synthetic harmonic signals whose F0 follows a known contour (the
semitone SD is exact), and espeak-ng voices measured by Praat (parselmouth,
``Sound.to_pitch()`` defaults), the reference pitch tracker.
"""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.errors import CorruptAudioError, EmptyAudioError, UnsupportedAudioError
from analyzers.pitch import (
    PitchTrack,
    f0_track,
    pitch_median_hz,
    semitone_spread,
    windowed_spread,
)
from analyzers.profile import default_profile
from sample_audio.espeak import espeak_available, synthesize

PRAAT_TOLERANCE_ST = 0.35
CONTOUR_TOLERANCE_ST = 0.2
TEXT = (
    "Thank you for calling Nordic Travel, my name is Anna. How can I help you today? "
    "Let me check your booking for next Tuesday, it will only take a moment."
)
needs_espeak = pytest.mark.skipif(
    not espeak_available(), reason="espeak-ng is not installed (apt-get install espeak-ng)"
)


def harmonic_signal(f0_hz: np.ndarray, sample_rate: int) -> np.ndarray:
    """A sawtooth-like voice source following ``f0_hz`` (one value per sample), alias-free."""
    phase = 2.0 * np.pi * np.cumsum(f0_hz) / sample_rate
    out = np.zeros_like(phase)
    for h in range(1, 40):
        audible = h * f0_hz < 0.45 * sample_rate
        out += np.where(audible, np.sin(h * phase) / h, 0.0)
    return 0.1 * out / np.max(np.abs(out))


def with_noise(x: np.ndarray, noise_dbov: float = -50.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return x + rng.normal(0.0, 10 ** (noise_dbov / 20.0), x.size)


def praat_spread(x: np.ndarray, sample_rate: int, **to_pitch_args: float) -> float | None:
    """Praat's F0 spread: ``Sound.to_pitch()`` (defaults unless told), voiced frames."""
    parselmouth = pytest.importorskip("parselmouth")
    pitch = parselmouth.Sound(x, sample_rate).to_pitch(**to_pitch_args)
    f0 = pitch.selected_array["frequency"].astype(np.float64)
    f0[f0 <= 0] = np.nan
    return semitone_spread(f0, hop_s=pitch.dt)


def voice(name: str, pitch_range: int, sample_rate: int) -> np.ndarray:
    """Telephone-band espeak-ng speech at about -26 dBov RMS with -50 dBov line noise."""
    x = synthesize(TEXT, name, 150, 50, pitch_range, sample_rate).astype(np.float64)
    x *= 10 ** (-26 / 20) / np.sqrt(np.mean(x**2))
    return with_noise(x)


# --- synthetic contours: exact ground truth -------------------------------------------


@pytest.mark.parametrize("sample_rate", [8000, 16000])
def test_sinusoidal_semitone_contour_has_the_analytic_spread(sample_rate: int) -> None:
    # F0 = 150 Hz * 2^(A/12 sin(2 pi t / T)): over whole periods the SD is A / sqrt(2) st.
    amplitude_st, period_s, periods = 3.0, 1.5, 2
    t = np.arange(int(period_s * periods * sample_rate)) / sample_rate
    f0 = 150.0 * 2 ** (amplitude_st / 12 * np.sin(2 * np.pi * t / period_s))
    x = with_noise(harmonic_signal(f0, sample_rate))

    track = f0_track(x, sample_rate)

    spread = semitone_spread(track.f0_hz)
    assert spread is not None
    assert spread == pytest.approx(amplitude_st / np.sqrt(2), abs=CONTOUR_TOLERANCE_ST)
    assert pitch_median_hz(track.f0_hz) == pytest.approx(150.0, rel=0.02)
    # Frame by frame too: every frame inside the signal is voiced and on the contour.
    inner = (track.times_s > 0.05) & (track.times_s < t[-1] - 0.05)
    truth = 150.0 * 2 ** (amplitude_st / 12 * np.sin(2 * np.pi * track.times_s / period_s))
    error_st = 12 * np.log2(track.f0_hz[inner] / truth[inner])
    assert np.all(np.abs(error_st) < 0.3)


def test_rising_glide_120_to_180_hz() -> None:
    # Log-linear glide: semitones rise uniformly, so SD = range / sqrt(12).
    sample_rate, duration_s = 8000, 2.0
    t = np.arange(int(duration_s * sample_rate)) / sample_rate
    f0 = 120.0 * (180.0 / 120.0) ** (t / duration_s)
    x = with_noise(harmonic_signal(f0, sample_rate))

    spread = semitone_spread(f0_track(x, sample_rate).f0_hz)

    expected = 12 * np.log2(180.0 / 120.0) / np.sqrt(12)
    assert spread == pytest.approx(expected, abs=CONTOUR_TOLERANCE_ST)


def test_steady_tone_has_no_spread_and_right_pitch() -> None:
    sample_rate = 8000
    x = with_noise(harmonic_signal(np.full(2 * sample_rate, 220.0), sample_rate))
    track = f0_track(x, sample_rate)
    assert semitone_spread(track.f0_hz) == pytest.approx(0.0, abs=0.05)
    assert pitch_median_hz(track.f0_hz) == pytest.approx(220.0, rel=0.005)


def test_missing_fundamental_is_not_an_octave_error() -> None:
    # Telephone band: harmonics from 300 Hz up only; F0 110 Hz must still read 110 Hz.
    from scipy.signal import butter, sosfiltfilt

    sample_rate = 8000
    x = harmonic_signal(np.full(2 * sample_rate, 110.0), sample_rate)
    x = sosfiltfilt(butter(4, [300, 3400], "bandpass", fs=sample_rate, output="sos"), x)
    track = f0_track(with_noise(x), sample_rate)
    assert pitch_median_hz(track.f0_hz) == pytest.approx(110.0, rel=0.01)
    voiced = track.f0_hz[np.isfinite(track.f0_hz)]
    assert np.mean(np.abs(12 * np.log2(voiced / 110.0)) < 1.0) > 0.98


def telephone_male_voice(seed: int, sample_rate: int = 8000) -> tuple[np.ndarray, np.ndarray]:
    """Sixteen syllables of a ~100 Hz voice through a 300-3400 Hz band: (samples, true F0).

    The true F0 is given per sample (NaN between syllables). Every syllable glides up to
    3 st on a declining line; every other one is a close vowel (steeper source, 1 %
    jitter, a narrow first formant at 330 Hz) where the 3rd or 4th harmonic dominates
    what is left of the voice, the way a telephone band leaves a low male voice.
    """
    from scipy.signal import butter, lfilter, sosfiltfilt

    rng = np.random.default_rng(seed)

    def formant(x: np.ndarray, centre_hz: float, bandwidth_hz: float) -> np.ndarray:
        r = np.exp(-np.pi * bandwidth_hz / sample_rate)
        poles = [1.0, -2.0 * r * np.cos(2.0 * np.pi * centre_hz / sample_rate), r * r]
        return lfilter([1.0 - r], poles, x)

    pieces, f0_pieces = [], []
    for syllable in range(16):
        n = int(rng.uniform(0.15, 0.35) * sample_rate)
        start_st = rng.uniform(-3.0, 3.0) - 0.2 * syllable
        f0 = 100.0 * 2 ** ((start_st + rng.uniform(-3.0, 3.0) * np.arange(n) / n) / 12)
        close_vowel = syllable % 2 == 1
        jitter = 0.01 * np.repeat(rng.normal(size=n // 40 + 1), 40)[:n] if close_vowel else 0.0
        phase = 2.0 * np.pi * np.cumsum(f0 * (1.0 + jitter)) / sample_rate
        tilt = 2.0 if close_vowel else 1.0
        source = sum(
            np.sin(h * phase) / h**tilt for h in range(1, 40) if h * f0.max() < 0.45 * sample_rate
        )
        if close_vowel:
            vowel = formant(source, 330.0, 40.0)
        else:
            vowel = formant(source, 600.0, 120.0) + 0.5 * formant(source, 1400.0, 150.0)
        vowel *= np.sin(np.pi * np.arange(n) / n) ** 0.5 / np.sqrt(np.mean(vowel**2))
        gap = int(rng.uniform(0.06, 0.15) * sample_rate)
        pieces += [vowel, np.zeros(gap)]
        f0_pieces += [f0, np.full(gap, np.nan)]
    band = butter(6, [300, 3400], "bandpass", fs=sample_rate, output="sos")
    x = sosfiltfilt(band, np.concatenate(pieces))
    return with_noise(0.1 * x / np.max(np.abs(x)), seed=seed), np.concatenate(f0_pieces)


@pytest.mark.parametrize("seed", range(6))
def test_telephone_male_voice_follows_the_fundamental_not_a_harmonic(seed: int) -> None:
    # The fundamental (and the 2nd harmonic) are filtered out and half the syllables are
    # dominated by one harmonic. A speaker range from the first pass's 5th-95th
    # percentile kept 10-25 % of the frames on the 3rd-4th harmonic in seeds 0, 2, 3 and
    # 5 (spread 7.0-9.7 st instead of 2.0-2.4). Measured now: at most 0.3 % of the
    # frames more than 1 st off, spreads within 0.03 st.
    sample_rate = 8000
    x, f0 = telephone_male_voice(seed, sample_rate)

    track = f0_track(x, sample_rate)

    truth = f0[np.minimum((track.times_s * sample_rate).astype(int), f0.size - 1)]
    in_syllable = np.isfinite(truth)
    voiced = in_syllable & np.isfinite(track.f0_hz)
    assert voiced.sum() >= 0.9 * in_syllable.sum()
    error_st = 12.0 * np.log2(track.f0_hz[voiced] / truth[voiced])
    assert np.mean(np.abs(error_st) > 1.0) <= 0.01
    true_spread = semitone_spread(truth)
    assert true_spread is not None
    assert semitone_spread(track.f0_hz) == pytest.approx(true_spread, abs=CONTOUR_TOLERANCE_ST)


def test_noise_and_silence_are_unvoiced() -> None:
    sample_rate = 8000
    rng = np.random.default_rng(1)
    noise = 0.05 * rng.normal(size=3 * sample_rate)
    assert np.mean(np.isfinite(f0_track(noise, sample_rate).f0_hz)) < 0.05
    silence = np.zeros(sample_rate)
    track = f0_track(silence, sample_rate)
    assert not np.isfinite(track.f0_hz).any()
    assert semitone_spread(track.f0_hz) is None
    assert pitch_median_hz(track.f0_hz) is None


def test_active_stretches_limit_the_analysis() -> None:
    sample_rate = 8000
    x = with_noise(harmonic_signal(np.full(4 * sample_rate, 160.0), sample_rate))
    active = [(0.5, 1.5), (2.5, 3.0)]

    track = f0_track(x, sample_rate, active=active)

    inside = np.zeros(track.times_s.size, dtype=bool)
    for start, end in active:
        inside |= (track.times_s >= start) & (track.times_s < end)
    assert not np.isfinite(track.f0_hz[~inside]).any()
    assert np.isfinite(track.f0_hz[inside]).mean() > 0.95
    assert np.nanmedian(track.f0_hz) == pytest.approx(160.0, rel=0.005)
    assert not np.isfinite(f0_track(x, sample_rate, active=[]).f0_hz).any()


def test_track_grid_covers_the_signal() -> None:
    sample_rate = 8000
    track = f0_track(np.zeros(int(2.345 * sample_rate)), sample_rate, hop_s=0.01)
    assert isinstance(track, PitchTrack)
    assert track.times_s.size == track.f0_hz.size == 234
    assert track.hop_s == pytest.approx(0.01)
    assert track.times_s[0] == pytest.approx(0.005)


# --- spread helpers --------------------------------------------------------------------


def test_spread_needs_a_second_of_voicing() -> None:
    f0 = np.full(300, np.nan)
    f0[:99] = np.linspace(100, 200, 99)
    assert semitone_spread(f0) is None
    f0[:100] = np.linspace(100, 200, 100)
    assert semitone_spread(f0) is not None
    assert semitone_spread(f0, min_voiced_s=2.0) is None


def test_spread_is_the_semitone_sd_around_the_median() -> None:
    f0 = np.array([100.0, 200.0, np.nan, 400.0] * 50)  # -12, 0, +12 st around 200 Hz
    assert semitone_spread(f0) == pytest.approx(np.std([-12.0, 0.0, 12.0]))
    assert pitch_median_hz(f0) == pytest.approx(200.0)


def test_windowed_spread_covers_the_call() -> None:
    hop = 0.01
    times = (np.arange(7500) + 0.5) * hop  # 75 s
    f0 = np.full(times.size, np.nan)
    flat = times < 30
    lively = (times >= 30) & (times < 60)
    f0[flat] = 150.0
    f0[lively] = 150.0 * 2 ** (3 / 12 * np.sin(2 * np.pi * times[lively] / 2.0))

    windows = windowed_spread(PitchTrack(times, f0), window_s=30.0, min_voiced_s=2.0)

    assert [(a, b) for a, b, _ in windows] == [(0.0, 30.0), (30.0, 60.0), (60.0, 75.0)]
    assert windows[0][2] == pytest.approx(0.0, abs=1e-9)
    assert windows[1][2] == pytest.approx(3 / np.sqrt(2), abs=0.01)
    assert windows[2][2] is None  # silent window


# --- bad input -------------------------------------------------------------------------


def test_bad_input_gets_typed_errors() -> None:
    with pytest.raises(EmptyAudioError):
        f0_track(np.zeros(0), 8000)
    with pytest.raises(UnsupportedAudioError):
        f0_track(np.zeros((2, 8000)), 8000)
    with pytest.raises(UnsupportedAudioError):
        f0_track(np.zeros(8000), 2000)
    with pytest.raises(CorruptAudioError):
        f0_track(np.full(8000, np.nan), 8000)
    with pytest.raises(UnsupportedAudioError):
        f0_track(np.zeros(8000, dtype=np.int16), 8000)
    with pytest.raises(ValueError):
        f0_track(np.zeros(8000), 8000, fmin=300.0, fmax=100.0)


# --- espeak-ng voices against Praat ----------------------------------------------------


@pytest.mark.espeak
@needs_espeak
@pytest.mark.parametrize(
    ("voice_name", "pitch_range", "sample_rate"),
    [
        ("en-us+m3", 50, 8000),
        ("en-us+m3", 0, 8000),
        ("en-us+f3", 50, 8000),
        ("en-us+f3", 100, 16000),
        ("en-us+f1", 100, 8000),
        ("en-us+m2", 100, 16000),
        ("en-gb+m1", 50, 16000),
        ("en-us+f4", 50, 16000),
    ],
)
def test_call_spread_matches_praat(voice_name: str, pitch_range: int, sample_rate: int) -> None:
    x = voice(voice_name, pitch_range, sample_rate)

    ours = semitone_spread(f0_track(x, sample_rate).f0_hz)
    reference = praat_spread(x, sample_rate)

    assert ours is not None and reference is not None
    assert ours == pytest.approx(reference, abs=PRAAT_TOLERANCE_ST)


@pytest.mark.espeak
@needs_espeak
@pytest.mark.parametrize(("voice_name", "pitch_range"), [("en-us+m1", 0), ("en-gb+m1", 100)])
def test_deep_voice_matches_praat_with_the_same_pitch_range(
    voice_name: str, pitch_range: int
) -> None:
    # These voices dip below Praat's default 75 Hz floor; there Praat's defaults jump to a
    # harmonic near 400 Hz (a monotone voice reads as lively). With the floor and ceiling
    # we search (60-400 Hz) Praat agrees with us.
    x = voice(voice_name, pitch_range, 8000)

    ours = semitone_spread(f0_track(x, 8000, fmin=60.0, fmax=400.0).f0_hz)
    same_range = praat_spread(x, 8000, pitch_floor=60.0, pitch_ceiling=400.0)
    praat_default = praat_spread(x, 8000)

    assert ours is not None and same_range is not None and praat_default is not None
    assert ours == pytest.approx(same_range, abs=PRAAT_TOLERANCE_ST)
    assert praat_default > ours + 1.0  # the default floor's harmonic errors, documented


@pytest.mark.espeak
@needs_espeak
@pytest.mark.parametrize("sample_rate", [8000, 16000])
def test_no_harmonic_jumps_where_praat_makes_them(sample_rate: int) -> None:
    # A male voice (about 110 Hz) whose fundamental the telephone band removed: the third
    # harmonic dominates some syllables and Praat, even with our pitch range, jumps to it
    # (about 330-400 Hz). The speaker-range pass keeps the track on the voice.
    x = voice("en-us+m7", 50, sample_rate)

    f0 = f0_track(x, sample_rate).f0_hz
    median = pitch_median_hz(f0)

    assert median is not None and 90.0 < median < 130.0
    assert np.nanmax(f0) < 1.6 * median
    parselmouth = pytest.importorskip("parselmouth")
    praat = parselmouth.Sound(x, sample_rate).to_pitch(pitch_floor=60.0, pitch_ceiling=400.0)
    praat_f0 = praat.selected_array["frequency"]
    assert np.sum(praat_f0 > 2.5 * median) >= 5  # the errors this guards against


@pytest.mark.espeak
@needs_espeak
@pytest.mark.parametrize("voice_name", ["en-us+m3", "en-us+f3"])
def test_monotone_and_lively_voices_fall_either_side_of_the_threshold(voice_name: str) -> None:
    threshold = default_profile().pitch_monotony.min_sd_semitones
    monotone = semitone_spread(f0_track(voice(voice_name, 0, 8000), 8000).f0_hz)
    lively = semitone_spread(f0_track(voice(voice_name, 100, 8000), 8000).f0_hz)
    assert monotone is not None and lively is not None
    assert monotone < threshold < lively


# --- generated calls (sample_audio.callgen) ---------------------------------------------


def agent_speech(call_name: str) -> tuple[np.ndarray, int, list[tuple[float, float]]]:
    from tests.analyzers.call_cache import built_call

    audio, sample_rate, truth = built_call(call_name)
    spans = [(u.start_s, u.end_s) for u in truth.utterances if u.party == "agent"]
    return audio[truth.agent_channel].astype(np.float64), sample_rate, spans


@pytest.mark.espeak
@needs_espeak
@pytest.mark.parametrize("call_name", ["good_call", "fast_monotone", "good_call_sv"])
def test_agent_spread_in_generated_calls_matches_praat(call_name: str) -> None:
    x, sample_rate, spans = agent_speech(call_name)

    ours = semitone_spread(f0_track(x, sample_rate, active=spans).f0_hz)

    # Praat sees only the agent's speech, spliced together.
    agent_only = np.concatenate([x[int(a * sample_rate) : int(b * sample_rate)] for a, b in spans])
    reference = praat_spread(agent_only, sample_rate)
    assert ours is not None and reference is not None
    assert ours == pytest.approx(reference, abs=PRAAT_TOLERANCE_ST)


@pytest.mark.espeak
@needs_espeak
def test_monotone_call_is_below_the_threshold_and_good_call_above() -> None:
    threshold = default_profile().pitch_monotony.min_sd_semitones
    spreads = {}
    for name in ("fast_monotone", "good_call"):
        x, sample_rate, spans = agent_speech(name)
        spreads[name] = semitone_spread(f0_track(x, sample_rate, active=spans).f0_hz)
    assert spreads["fast_monotone"] is not None and spreads["good_call"] is not None
    assert spreads["fast_monotone"] < threshold < spreads["good_call"]


# --- path search -----------------------------------------------------------------------


def plain_viterbi(
    freqs: np.ndarray, voiced_score: np.ndarray, unvoiced_score: np.ndarray, jump: float, vuv: float
) -> np.ndarray:
    """Textbook Viterbi over the whole sequence, voiceless before and after it."""
    n, k = voiced_score.shape
    scores = np.concatenate([unvoiced_score[:, None], voiced_score], axis=1)
    f = np.concatenate([np.zeros((n, 1)), freqs], axis=1)

    def cost(a: float, b: float) -> float:
        if a > 0 and b > 0:
            return jump * abs(np.log2(a / b))
        return vuv if (a > 0) != (b > 0) else 0.0

    delta = np.array([scores[0, s] - cost(0.0, f[0, s]) for s in range(k + 1)])
    back = np.zeros((n, k + 1), dtype=int)
    for t in range(1, n):
        new = np.empty(k + 1)
        for s in range(k + 1):
            options = [delta[p] - cost(f[t - 1, p], f[t, s]) for p in range(k + 1)]
            back[t, s] = int(np.argmax(options))
            new[s] = options[back[t, s]] + scores[t, s]
        delta = new
    state = int(np.argmax([delta[s] - cost(f[-1, s], 0.0) for s in range(k + 1)]))
    path = [state]
    for t in range(n - 1, 0, -1):
        state = back[t, state]
        path.append(state)
    return np.array(path[::-1]) - 1


@pytest.mark.parametrize("rows", [4096, 3])  # stretches searched side by side
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_split_path_search_equals_the_plain_viterbi(
    seed: int, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import analyzers.pitch
    from analyzers.pitch import _viterbi

    monkeypatch.setattr(analyzers.pitch, "_VITERBI_ROWS", rows)

    rng = np.random.default_rng(seed)
    n, k = 300, 4
    freqs = rng.uniform(70.0, 350.0, (n, k))
    voiced_score = rng.uniform(0.2, 1.0, (n, k))
    voiced_score[rng.random((n, k)) < 0.3] = -np.inf  # missing candidates
    unvoiced_score = np.where(rng.random(n) < 0.2, rng.uniform(1.0, 2.4, n), 0.45)

    ours = _viterbi(
        freqs, voiced_score, unvoiced_score, np.arange(n), octave_jump_cost=0.35, voicing_cost=0.14
    )
    plain = plain_viterbi(
        np.where(np.isfinite(voiced_score), freqs, 1.0), voiced_score, unvoiced_score, 0.35, 0.14
    )
    np.testing.assert_array_equal(ours, plain)
