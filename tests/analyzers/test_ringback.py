"""analyzers.ringback against calls built from the ringback plans and espeak-ng speech.

Ground truth: ``synthesize_ringback(plan, n)`` gives n full ring cycles, so with
speech appended the answer is at ``n * plan.period_s``; other tests cut the
ringback at a known time (answer inside a pause, a ring cut short) or start
the recording mid-ring.
"""

from __future__ import annotations

import functools
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from analyzers.errors import (
    BadMetadataError,
    CorruptAudioError,
    EmptyAudioError,
    UnsupportedAudioError,
)
from analyzers.ringback import RingbackResult, detect_ringback, pickup_from_metadata
from analyzers.ringback_plans import RINGBACK_PLANS, plan_for, synthesize_ringback

SR = 8000
PLAN_CODES = list(RINGBACK_PLANS)
ANSWER_TOLERANCE_S = 0.5
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_audio"
# Real recorded voice prompts (Debian asterisk-core-sounds-en-wav), 8 kHz mono.
PROMPTS_DIR = Path("/usr/share/asterisk/sounds/en")
needs_prompts = pytest.mark.skipif(
    not (PROMPTS_DIR / "hello-world.wav").exists(),
    reason="recorded prompts missing: apt-get install asterisk-core-sounds-en-wav",
)
COMMITTED_CALLS = [
    "good_call",
    "early_pickup",
    "late_pickup",
    "shouting",
    "dead_air",
    "interrupting",
]


# -- test signals ----------------------------------------------------------------------


def same_plan(code_a: str | None, code_b: str) -> bool:
    """NO and GR share one plan: the audio can only name the plan."""
    if code_a is None:
        return False
    a, b = plan_for(code_a), plan_for(code_b)
    return (a.freqs_hz, a.cadence_s) == (b.freqs_hz, b.cadence_s)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SR), dtype=np.float32)


def tone(freq_hz: float, seconds: float, dbov: float = -20.0, sample_rate: int = SR) -> np.ndarray:
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    return (10 ** (dbov / 20) * np.sqrt(2) * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def white_noise(n: int, dbov: float, seed: int = 0) -> np.ndarray:
    return (10 ** (dbov / 20) * np.random.default_rng(seed).standard_normal(n)).astype(np.float32)


def pink_noise(n: int, dbov: float, seed: int = 0) -> np.ndarray:
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / SR)
    spectrum[1:] /= np.sqrt(freqs[1:])  # 1/f power
    spectrum[0] = 0
    pink = np.fft.irfft(spectrum, n)
    return (pink / np.sqrt(np.mean(pink**2)) * 10 ** (dbov / 20)).astype(np.float32)


def ulaw_round_trip(x: np.ndarray) -> np.ndarray:
    buffer = io.BytesIO()
    sf.write(buffer, x, SR, subtype="ULAW", format="WAV")
    buffer.seek(0)
    decoded, _ = sf.read(buffer, dtype="float32")
    return decoded


def speech_at(text: str, dbov: float, voice: str = "en-us+m3") -> np.ndarray:
    """espeak-ng speech set to an active level of ``dbov`` (trimmed: starts with sound)."""
    from sample_audio.espeak import synthesize
    from sample_audio.levels import active_level_dbov

    x = synthesize(text, voice, 160, 50, 50, SR)
    return (x * 10 ** ((dbov - active_level_dbov(x, SR)) / 20)).astype(np.float32)


@functools.cache
def greeting(dbov: float = -20.0) -> np.ndarray:
    return speech_at("Good morning, Nordic Travel, this is Anna. How can I help you today?", dbov)


# Each condition: (ringback and speech level in dBov, noise kind, mu-law round trip).
CONDITIONS: dict[str, tuple[float, str | None, bool]] = {
    "clean": (-20.0, None, False),
    "white_noise": (-20.0, "white", False),
    "pink_noise": (-20.0, "pink", False),
    "ulaw": (-20.0, None, True),
    "quiet": (-30.0, None, False),
    "quiet_pink_ulaw": (-30.0, "pink", True),
}
LINE_NOISE_DBOV = -55.0


def on_the_line(x: np.ndarray, condition: str, seed: int = 0) -> np.ndarray:
    _, noise, ulaw = CONDITIONS[condition]
    if noise == "white":
        x = x + white_noise(len(x), LINE_NOISE_DBOV, seed)
    elif noise == "pink":
        x = x + pink_noise(len(x), LINE_NOISE_DBOV, seed)
    return ulaw_round_trip(x) if ulaw else x


def ringback_then_speech(code: str, rings: int, condition: str) -> tuple[np.ndarray, list]:
    level, _, _ = CONDITIONS[condition]
    ringback, ring_times = synthesize_ringback(RINGBACK_PLANS[code], rings, SR, level_dbov=level)
    x = np.concatenate([ringback, greeting(level), silence(3.0)])
    return on_the_line(x, condition, seed=rings), ring_times


def assert_no_ringback(result: RingbackResult) -> None:
    assert result.rings is None, result
    assert result.answered_at_s is None
    assert result.country is None
    assert result.ring_times == []


# -- every plan, rings 1..6, line conditions -------------------------------------------


@pytest.mark.espeak
@pytest.mark.parametrize("condition", list(CONDITIONS))
@pytest.mark.parametrize("rings", range(1, 7))
@pytest.mark.parametrize("code", PLAN_CODES)
def test_counts_rings_and_finds_the_answer(code: str, rings: int, condition: str) -> None:
    x, ring_times = ringback_then_speech(code, rings, condition)
    result = detect_ringback(x, SR)
    assert result.rings == rings, result
    assert result.answered_at_s is not None
    assert abs(result.answered_at_s - rings * RINGBACK_PLANS[code].period_s) <= ANSWER_TOLERANCE_S
    assert same_plan(result.country, code), result
    assert len(result.ring_times) == rings
    for (start, end), (true_start, true_end) in zip(result.ring_times, ring_times, strict=True):
        assert abs(start - true_start) <= 0.06 and abs(end - true_end) <= 0.06
    assert 0.0 < result.confidence <= 1.0


@pytest.mark.parametrize(
    ("code", "rings"),
    # One SE ring without a heard answer is SE or NO: see the test after this one.
    [(code, rings) for code in PLAN_CODES for rings in range(1, 7) if (code, rings) != ("SE", 1)],
)
def test_answer_heard_only_on_the_other_channel_is_the_end_of_the_last_cycle(
    code: str, rings: int
) -> None:
    plan = RINGBACK_PLANS[code]
    ringback, _ = synthesize_ringback(plan, rings, SR)
    x = on_the_line(np.concatenate([ringback, silence(8.0)]), "white_noise")
    result = detect_ringback(x, SR)
    assert result.rings == rings
    assert same_plan(result.country, code)
    assert result.answered_at_s == pytest.approx(rings * plan.period_s, abs=ANSWER_TOLERANCE_S)


@pytest.mark.parametrize(
    ("hint", "country", "answered_at_s"), [(None, "NO", 5.0), ("SE", "SE", 6.0)]
)
def test_one_silent_ring_of_425_hz_1_s_leaves_se_or_no_to_the_hint(
    hint: str | None, country: str, answered_at_s: float
) -> None:
    # Answered within 5 s (NO) or 6 s (SE) of the ring's start: nothing in the audio says which.
    ringback, _ = synthesize_ringback(RINGBACK_PLANS["SE"], 1, SR)
    x = on_the_line(np.concatenate([ringback, silence(8.0)]), "white_noise")
    result = detect_ringback(x, SR, country_hint=hint)
    assert (result.rings, result.country) == (1, country)
    assert result.answered_at_s == pytest.approx(answered_at_s, abs=0.1)


# -- answers inside a cycle, cut rings, partial first ring, unanswered ------------------


@pytest.mark.espeak
@pytest.mark.parametrize("pause_fraction", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("code", PLAN_CODES)
def test_answer_inside_the_pause_is_the_speech_onset(code: str, pause_fraction: float) -> None:
    plan = RINGBACK_PLANS[code]
    ringback, ring_times = synthesize_ringback(plan, 3, SR)
    last_tone_end = ring_times[-1][1]
    answer_s = last_tone_end + pause_fraction * plan.cadence_s[-1]
    x = on_the_line(
        np.concatenate([ringback[: round(answer_s * SR)], greeting(), silence(2.0)]), "pink_noise"
    )
    result = detect_ringback(x, SR)
    assert result.rings == 3
    assert same_plan(result.country, code)
    assert result.answered_at_s == pytest.approx(answer_s, abs=ANSWER_TOLERANCE_S)


@pytest.mark.espeak
@pytest.mark.parametrize(("tone_heard_s", "counted"), [(0.6, True), (0.15, False)])
@pytest.mark.parametrize("code", PLAN_CODES)
def test_ring_cut_by_the_answer_counts_from_about_0_3_s(
    code: str, tone_heard_s: float, counted: bool
) -> None:
    plan = RINGBACK_PLANS[code]
    ringback, _ = synthesize_ringback(plan, 3, SR)
    answer_s = 2 * plan.period_s + tone_heard_s  # inside ring 3's first burst (UK: its gap)
    x = on_the_line(
        np.concatenate([ringback[: round(answer_s * SR)], greeting(), silence(2.0)]), "white_noise"
    )
    result = detect_ringback(x, SR)
    assert result.rings == (3 if counted else 2)
    assert same_plan(result.country, code)
    assert result.answered_at_s == pytest.approx(answer_s, abs=ANSWER_TOLERANCE_S)


@pytest.mark.parametrize("code", ["US", "ES", "GB", "FR"])
def test_recording_started_inside_the_first_ring_counts_it(code: str) -> None:
    plan = RINGBACK_PLANS[code]
    ringback, _ = synthesize_ringback(plan, 3, SR)
    skipped_s = 0.1 if code == "GB" else 0.5
    x = on_the_line(np.concatenate([ringback[round(skipped_s * SR) :], silence(8.0)]), "pink_noise")
    result = detect_ringback(x, SR)
    assert result.rings == 3
    assert result.answered_at_s == pytest.approx(3 * plan.period_s - skipped_s, abs=0.1)


@pytest.mark.parametrize("code", PLAN_CODES)
def test_recording_ending_while_it_rings_has_no_answer(code: str) -> None:
    plan = RINGBACK_PLANS[code]
    ringback, _ = synthesize_ringback(plan, 4, SR)
    x = on_the_line(ringback[: round((3 * plan.period_s + 0.35) * SR)], "white_noise")
    result = detect_ringback(x, SR)
    assert result.rings == 4  # the fourth ring had started when the recording stopped
    assert result.answered_at_s is None
    assert same_plan(result.country, code)


# -- plans that sound alike and the country hint ----------------------------------------


@pytest.mark.parametrize(
    ("audio", "hint", "expected"),
    [
        ("NO", None, "NO"),
        ("NO", "GR", "GR"),
        ("GR", "GR", "GR"),
        ("GR", "no", "NO"),
        ("NO", "DE", "NO"),  # DE is an alias of the NO plan
        ("US", "SE", "US"),  # the hint contradicts the audio: the audio wins
        ("SE", "NO", "SE"),
        ("NO", "SE", "NO"),
        ("GB", "FR", "GB"),
        ("GB", "uk", "GB"),  # UK is accepted as a spelling of GB
        ("FR", "US", "FR"),
        ("ES", "GR", "ES"),
    ],
)
def test_hint_only_picks_among_plans_the_audio_cannot_tell_apart(
    audio: str, hint: str | None, expected: str
) -> None:
    ringback, _ = synthesize_ringback(RINGBACK_PLANS[audio], 3, SR)
    result = detect_ringback(
        on_the_line(np.concatenate([ringback, silence(6.0)]), "white_noise"), SR, country_hint=hint
    )
    assert result.rings == 3
    assert result.country == expected


@pytest.mark.espeak
def test_one_ring_of_425_hz_1_s_is_se_or_no_by_the_hint() -> None:
    # One 1.0 s ring answered 5 s after it started fits NO (1.0/4.0) and SE (1.0/5.0).
    ringback, _ = synthesize_ringback(RINGBACK_PLANS["NO"], 1, SR)
    x = on_the_line(np.concatenate([ringback, greeting(), silence(2.0)]), "white_noise")
    plain, hinted = detect_ringback(x, SR), detect_ringback(x, SR, country_hint="SE")
    assert (plain.rings, plain.country) == (1, "NO")  # the shorter cycle is likelier
    assert (hinted.rings, hinted.country) == (1, "SE")
    assert plain.answered_at_s == pytest.approx(5.0, abs=ANSWER_TOLERANCE_S)
    assert hinted.answered_at_s == pytest.approx(5.0, abs=ANSWER_TOLERANCE_S)
    assert (
        plain.confidence < detect_ringback(ringback_then_speech("NO", 2, "clean")[0], SR).confidence
    )


@pytest.mark.espeak
def test_one_ring_answered_after_5_s_is_se() -> None:
    # At 5.0 s a NO line would have rung again; the answer at 6.0 s rules NO out.
    x, _ = ringback_then_speech("SE", 1, "clean")
    result = detect_ringback(x, SR, country_hint="NO")
    assert (result.rings, result.country) == (1, "SE")


# -- no ringback ---------------------------------------------------------------------------


@pytest.mark.espeak
def test_call_starting_with_speech_has_no_ringback() -> None:
    x = np.concatenate([greeting(), silence(1.0), speech_at("I would like to book a room.", -24)])
    assert_no_ringback(detect_ringback(on_the_line(x, "pink_noise"), SR))


@functools.cache
def hum_near_425_hz(text: str) -> np.ndarray:
    """A flat-pitched sung espeak-ng vowel, retuned so its fundamental sits near 425 Hz."""
    from sample_audio.espeak import synthesize

    def fundamental_hz(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), 1 << 17))
        freqs = np.fft.rfftfreq(1 << 17, 1 / SR)
        band = (freqs > 250) & (freqs < 600)
        return float(freqs[band][np.argmax(spectrum[band])])

    # Highest female voice, no pitch range; then play it back faster to reach 425 Hz.
    f0 = fundamental_hz(synthesize(text, "en-us+f5", 80, 99, 0, SR))
    retuned = np.array(synthesize(text, "en-us+f5", 80, 99, 0, round(SR * f0 / 425.0)))
    return (retuned / np.sqrt(np.mean(retuned**2)) * 10 ** (-20 / 20)).astype(np.float32)


@pytest.mark.espeak
@pytest.mark.parametrize("text", ["mmmmmmmmmmmmmmmmmmmm", "oooooooooooooooooooo"])
def test_sustained_sung_vowel_at_425_hz_is_not_a_ringback(text: str) -> None:
    hum = hum_near_425_hz(text)
    assert len(hum) >= 1.2 * SR
    x = np.concatenate([silence(1.0), hum, silence(1.5), greeting()])
    assert_no_ringback(detect_ringback(on_the_line(x, "white_noise"), SR))


@pytest.mark.espeak
def test_sung_vowel_in_a_ringback_cadence_is_not_a_ringback() -> None:
    # The hardest case: 1.0 s of a steady "ooo" near 425 Hz on the SE cadence.
    piece = hum_near_425_hz("oooooooooooooooooooo")[round(0.1 * SR) : round(1.1 * SR)]
    spectrum = np.abs(np.fft.rfft(piece * np.hanning(len(piece)), 1 << 15))
    peak_hz = np.fft.rfftfreq(1 << 15, 1 / SR)[np.argmax(spectrum)]
    assert 410.0 <= peak_hz <= 440.0  # the test really sings near 425 Hz
    x = np.concatenate([*[np.concatenate([piece, silence(5.0)]) for _ in range(3)], greeting()])
    assert_no_ringback(detect_ringback(on_the_line(x, "white_noise"), SR))


@pytest.mark.parametrize(
    "signal",
    [
        pytest.param(lambda: tone(1000.0, 20.0), id="1khz-test-tone"),
        pytest.param(
            lambda: np.concatenate([np.concatenate([tone(1000.0, 1.0), silence(5.0)])] * 4),
            id="1khz-on-se-cadence",
        ),
        pytest.param(lambda: tone(425.0, 20.0), id="425hz-dial-tone"),
        pytest.param(
            lambda: np.concatenate([np.concatenate([tone(425.0, 0.5), silence(0.5)])] * 20),
            id="425hz-busy-tone",
        ),
        pytest.param(lambda: silence(20.0), id="digital-silence"),
        pytest.param(lambda: white_noise(20 * SR, -40.0), id="white-noise"),
    ],
)
def test_tones_and_noise_that_are_not_ringback(signal) -> None:
    assert_no_ringback(detect_ringback(on_the_line(signal(), "pink_noise"), SR))


def test_ringback_longer_than_the_scan_limit() -> None:
    # 120 s of ringback: only the first 90 s are scanned, so rings are counted up to there.
    plan = RINGBACK_PLANS["GB"]
    ringback, _ = synthesize_ringback(plan, 40, SR)
    result = detect_ringback(ringback, SR)
    assert result.rings == 30
    assert result.answered_at_s is None  # still ringing where the scan stops


@needs_prompts
def test_recorded_human_prompts_are_not_ringback() -> None:
    # Every prompt of the Asterisk set, 8 at a time with pauses, on a -60 dBov line.
    paths = sorted(PROMPTS_DIR.glob("**/*.wav"))
    assert len(paths) > 100
    rng = np.random.default_rng(0)
    for first in range(0, len(paths), 8):
        parts: list[np.ndarray] = []
        for path in paths[first : first + 8]:
            prompt, sample_rate = sf.read(path, dtype="float32")
            assert sample_rate == SR
            parts += [silence(rng.uniform(0.5, 5.0)), prompt if prompt.ndim == 1 else prompt[:, 0]]
        x = np.concatenate(parts)
        x = x + white_noise(len(x), -60.0, seed=first)
        assert_no_ringback(detect_ringback(x, SR))


@needs_prompts
@pytest.mark.parametrize("code", PLAN_CODES)
def test_ringback_answered_by_a_recorded_voice(code: str) -> None:
    plan = RINGBACK_PLANS[code]
    ringback, ring_times = synthesize_ringback(plan, 3, SR)
    answer_s = ring_times[-1][1] + 0.5 * plan.cadence_s[-1]
    hello, _ = sf.read(PROMPTS_DIR / "hello-world.wav", dtype="float32")
    x = np.concatenate([ringback[: round(answer_s * SR)], hello, silence(2.0)])
    result = detect_ringback(on_the_line(x, "ulaw"), SR)
    assert result.rings == 3
    assert same_plan(result.country, code)
    assert result.answered_at_s == pytest.approx(answer_s, abs=ANSWER_TOLERANCE_S)


# -- the committed sample calls (callgen ground truth, mu-law) ------------------------------


@pytest.mark.parametrize("name", COMMITTED_CALLS)
def test_committed_sample_calls(name: str) -> None:
    audio, sample_rate = sf.read(SAMPLE_DIR / f"{name}.wav", dtype="float32", always_2d=True)
    truth = json.loads((SAMPLE_DIR / f"{name}.truth.json").read_text())
    customer, agent = audio[:, truth["customer_channel"]], audio[:, truth["agent_channel"]]
    assert_no_ringback(detect_ringback(agent, sample_rate))  # digital silence, then speech
    for signal in (customer, audio.mean(axis=1)):
        result = detect_ringback(signal, sample_rate)
        assert result.rings == truth["rings"]
        assert same_plan(result.country, truth["country"])
        assert result.answered_at_s == pytest.approx(truth["answered_at_s"], abs=ANSWER_TOLERANCE_S)


@pytest.mark.espeak
def test_sample_call_without_ringback() -> None:
    from sample_audio.callgen import SAMPLE_CALLS, build_call

    audio, sample_rate, truth = build_call(SAMPLE_CALLS["no_ringback"])
    assert truth.country is None
    for signal in (*audio, audio.mean(axis=0)):
        assert_no_ringback(detect_ringback(signal, sample_rate))


# -- input forms and bad input ---------------------------------------------------------------


@pytest.mark.parametrize("sample_rate", [11025, 16000, 48000])
def test_other_sample_rates(sample_rate: int) -> None:
    plan = RINGBACK_PLANS["GB"]
    ringback, _ = synthesize_ringback(plan, 3, sample_rate)
    x = np.concatenate([ringback, np.zeros(sample_rate, dtype=np.float32)])
    result = detect_ringback(x, sample_rate)
    assert (result.rings, result.country) == (3, "GB")
    assert result.answered_at_s == pytest.approx(9.0, abs=0.1)


def test_int16_pcm_input() -> None:
    ringback, _ = synthesize_ringback(RINGBACK_PLANS["FR"], 2, SR)
    pcm = np.round(on_the_line(ringback, "white_noise") * 32767).astype(np.int16)
    result = detect_ringback(pcm, SR)
    assert (result.rings, result.country) == (2, "FR")


@pytest.mark.parametrize(
    ("x", "sample_rate", "error"),
    [
        (np.zeros((2, 8000), dtype=np.float32), SR, UnsupportedAudioError),
        (np.zeros(0, dtype=np.float32), SR, EmptyAudioError),
        (np.full(8000, np.nan, dtype=np.float32), SR, CorruptAudioError),
        (np.zeros(8000, dtype=np.float32), 1000, UnsupportedAudioError),
        (np.zeros(8000, dtype=np.float32), 8000.0, UnsupportedAudioError),
        (np.array(["a", "b"]), SR, UnsupportedAudioError),
        (np.zeros(8000, dtype=np.complex64), SR, UnsupportedAudioError),
    ],
)
def test_bad_input_raises_typed_errors(x: np.ndarray, sample_rate: int, error: type) -> None:
    with pytest.raises(error):
        detect_ringback(x, sample_rate)


def test_very_short_input_has_no_ringback() -> None:
    assert_no_ringback(detect_ringback(tone(425.0, 0.2), SR))


# -- metadata --------------------------------------------------------------------------------

T0 = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("code", "answered_after_s", "rings"),
    [
        ("SE", 0.0, 1),
        ("SE", 0.8, 1),
        ("SE", 6.0, 1),  # the end of ring 1's cycle (as synthesize_ringback lays it out)
        ("SE", 6.1, 2),  # ring 2 has started
        ("SE", 13.0, 3),
        ("GB", 8.9, 3),
        ("US", 24.0, 4),
        ("NO", 10.5, 3),
    ],
)
def test_metadata_rings(code: str, answered_after_s: float, rings: int) -> None:
    started = T0 - timedelta(seconds=1.5)
    answered = T0 + timedelta(seconds=answered_after_s)
    got = pickup_from_metadata(T0, answered, started, RINGBACK_PLANS[code])
    assert got == (rings, pytest.approx(answered_after_s + 1.5))


@pytest.mark.parametrize("code", PLAN_CODES)
def test_metadata_agrees_with_the_audio_detector(code: str) -> None:
    plan = RINGBACK_PLANS[code]
    for rings in range(1, 7):
        ringback, _ = synthesize_ringback(plan, rings, SR)
        # The hint settles one silent SE ring (it could be NO); see the test above.
        audio = detect_ringback(np.concatenate([ringback, silence(6.0)]), SR, country_hint=code)
        answered = T0 + timedelta(seconds=rings * plan.period_s)
        metadata = pickup_from_metadata(T0, answered, T0, plan)
        assert metadata[0] == audio.rings == rings
        assert metadata[1] == pytest.approx(audio.answered_at_s, abs=ANSWER_TOLERANCE_S)


def test_metadata_unknown_parts_are_none() -> None:
    plan = RINGBACK_PLANS["SE"]
    answered = T0 + timedelta(seconds=7)
    assert pickup_from_metadata(None, answered, T0, plan) == (None, 7.0)
    assert pickup_from_metadata(T0, answered, None, plan) == (2, None)
    assert pickup_from_metadata(T0, None, T0, plan) == (None, None)
    # The recording started after the answer: the answer lies before it.
    assert pickup_from_metadata(T0, answered, answered + timedelta(seconds=2), plan) == (2, -2.0)


def test_metadata_that_contradicts_itself_raises() -> None:
    plan = RINGBACK_PLANS["SE"]
    with pytest.raises(BadMetadataError):
        pickup_from_metadata(T0, T0 - timedelta(seconds=1), None, plan)
    with pytest.raises(BadMetadataError):
        pickup_from_metadata(T0, datetime(2026, 3, 2, 9, 30, 5), None, plan)  # naive vs aware
