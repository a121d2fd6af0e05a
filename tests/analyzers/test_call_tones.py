"""DTMF key presses and call-progress tones: exact counts on synthetic keys through
codecs and noise, and no tone at all (talk-off) on real speech and real music."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from analyzers.call_tones import (
    ToneEvent,
    detect_dtmf,
    detect_progress_tones,
    detect_tones,
)
from analyzers.errors import CorruptAudioError, UnsupportedAudioError
from analyzers.ringback_plans import RINGBACK_PLANS, synthesize_ringback
from sample_audio.nonspeech import (
    CODECS,
    SAMPLE_RATE,
    Codec,
    codec_round_trip,
    key_presses,
    moh,
    moh_tracks,
    silence,
    tone,
    with_noise,
)
from sample_audio.realcalls import ASTERISK_SOUNDS_DIR, LIBRIVOX_DIR, available

SR = SAMPLE_RATE
TIME_TOLERANCE_S = 0.02
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_audio"


# -- DTMF -------------------------------------------------------------------------------


@pytest.mark.parametrize("snr_db", [None, 15.0])
@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("seed", range(3))
def test_every_key_press_is_found_once(seed: int, codec: Codec, snr_db) -> None:
    x, truth = key_presses(seed, 16)
    y = codec_round_trip(x, codec)
    if snr_db is not None:
        y = with_noise(y, snr_db, seed)
    found = detect_dtmf(y, SR)
    assert len(found) == len(truth), found
    assert all(e.kind == "dtmf" for e in found)
    if codec in ("none", "ulaw"):  # the lossy codecs smear onsets by a few ms
        for event, (start, end) in zip(found, truth, strict=True):
            assert event.start_s == pytest.approx(start, abs=TIME_TOLERANCE_S)
            assert event.end_s == pytest.approx(end, abs=TIME_TOLERANCE_S)


@pytest.mark.parametrize("twist_db", [-7.0, 3.0])
def test_twist_within_q24_limits_is_accepted(twist_db: float) -> None:
    x, truth = key_presses(5, 10, twist_db=twist_db)
    assert len(detect_dtmf(x, SR)) == len(truth)


@pytest.mark.parametrize("twist_db", [-13.0, 9.0])
def test_twist_beyond_limits_is_rejected(twist_db: float) -> None:
    x, _ = key_presses(6, 10, twist_db=twist_db)
    assert detect_dtmf(x, SR) == []


def test_too_short_or_off_frequency_is_not_a_key() -> None:
    short = np.concatenate([silence(0.2), tone((697.0, 1209.0), 0.02), silence(0.2)])
    off = np.concatenate([silence(0.2), tone((697.0 * 1.06, 1209.0 * 1.06), 0.1), silence(0.2)])
    assert detect_dtmf(short, SR) == []
    assert detect_dtmf(off, SR) == []


def test_a_held_key_with_a_dropout_is_one_press() -> None:
    key = (852.0, 1336.0)
    x = np.concatenate([silence(0.2), tone(key, 0.3), silence(0.01), tone(key, 0.3), silence(0.2)])
    assert len(detect_dtmf(x, SR)) == 1


def test_a_press_that_lost_packets_is_one_press_and_a_real_pause_splits() -> None:
    # Three 20 ms packets in the middle of a 120 ms press lost and concealed (the last
    # good packet repeated, fading), as in the packet-loss real condition: the phase
    # jumps blur the key in between. Two presses of the same key 60 ms apart stay two.
    from sample_audio.real_conditions import conceal

    key = (770.0, 1336.0)
    x = np.concatenate([silence(0.19), tone(key, 0.12), silence(0.2)])
    lost = np.zeros(len(x) // round(0.02 * SR), dtype=bool)
    lost[11:14] = True  # 220-280 ms of the press at 190-310 ms
    (press,) = detect_dtmf(conceal(x, lost), SR)
    assert press.start_s == pytest.approx(0.19, abs=TIME_TOLERANCE_S)
    assert press.end_s == pytest.approx(0.31, abs=TIME_TOLERANCE_S)
    twice = np.concatenate([silence(0.2), tone(key, 0.1), silence(0.06), tone(key, 0.1)])
    assert len(detect_dtmf(twice, SR)) == 2


def test_keys_over_speech_line_noise_at_16k() -> None:
    x, truth = key_presses(7, 8)
    import soxr

    y = soxr.resample(x, SR, 16000).astype(np.float32)
    assert len(detect_dtmf(y, 16000)) == len(truth)


# -- call-progress tones ----------------------------------------------------------------


def cadence(freqs: tuple[float, ...], on_s: float, off_s: float, cycles: int) -> np.ndarray:
    return np.concatenate([np.concatenate([tone(freqs, on_s), silence(off_s)])] * cycles)


PROGRESS_CASES = {
    "us_busy": (((480.0, 620.0), 0.5, 0.5), "busy"),
    "us_reorder": (((480.0, 620.0), 0.25, 0.25), "congestion"),
    "eu_busy": (((425.0,), 0.5, 0.5), "busy"),
    "de_busy": (((425.0,), 0.48, 0.48), "busy"),
    "uk_busy": (((400.0,), 0.375, 0.375), "busy"),
    "fr_busy": (((440.0,), 0.5, 0.5), "busy"),
    "no_congestion": (((425.0,), 0.2, 0.2), "congestion"),
    "de_congestion": (((425.0,), 0.24, 0.24), "congestion"),
}


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("case", sorted(PROGRESS_CASES))
def test_busy_and_congestion(case: str, codec: Codec) -> None:
    (freqs, on_s, off_s), kind = PROGRESS_CASES[case]
    x = np.concatenate([silence(0.5), cadence(freqs, on_s, off_s, 6), silence(0.5)])
    y = with_noise(codec_round_trip(x, codec), 20.0)
    found = detect_progress_tones(y, SR)
    assert [e.kind for e in found] == [kind]
    # AMR-NB can take a cycle to settle on a tone: its first burst may be missed.
    first_burst_s = 0.5 + (on_s + off_s if codec == "amr_nb" else 0.0)
    assert 0.45 <= found[0].start_s <= first_burst_s + 0.05
    assert found[0].end_s == pytest.approx(0.5 + 6 * (on_s + off_s) - off_s, abs=0.05)


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("variant", ["a", "b"])
def test_special_information_tone(variant: str, codec: Codec) -> None:
    freqs = (950.0, 1400.0, 1800.0) if variant == "a" else (913.8, 1428.5, 1776.7)
    dur = 0.33 if variant == "a" else 0.274
    sit = np.concatenate([tone((f,), dur) for f in freqs])
    x = np.concatenate([silence(0.5), sit, silence(1.0), sit, silence(0.5)])
    found = detect_progress_tones(with_noise(codec_round_trip(x, codec), 20.0), SR)
    assert [e.kind for e in found] == ["sit", "sit"]
    assert found[0].start_s == pytest.approx(0.5, abs=0.05)


@pytest.mark.parametrize("code", sorted(RINGBACK_PLANS))
def test_ringback_is_not_busy(code: str) -> None:
    ringback, _ = synthesize_ringback(RINGBACK_PLANS[code], 6, SR)
    assert detect_tones(ringback, SR) == []


def test_frames_read_in_blocks_give_the_same_tones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys and progress tones a block of frames at a time (bounded memory on long
    calls): the same labels and events as one pass over the whole channel."""
    import analyzers.call_tones as tones

    keys, _ = key_presses(3, 10)
    busy = cadence((480.0, 620.0), 0.5, 0.5, 6)
    sit = np.concatenate([tone((f,), 0.33) for f in (950.0, 1400.0, 1800.0)])
    x = with_noise(np.concatenate([keys, silence(0.3), busy, sit, silence(0.5)]), 25.0)
    frames, _ = tones._frames(x, SR, tones._DTMF_WIN_S)
    total = tones._frame_power(frames)
    assert len(frames) < tones._BLOCK_FRAMES
    whole = (tones._dtmf_keys(frames, total, SR), *tones._progress_labels(x, SR))
    events = detect_tones(x, SR)
    assert {e.kind for e in events} == {"dtmf", "busy", "sit"}
    monkeypatch.setattr(tones, "_BLOCK_FRAMES", 37)
    blocks = (tones._dtmf_keys(frames, total, SR), *tones._progress_labels(x, SR))
    for a, b in zip(whole, blocks, strict=True):
        np.testing.assert_array_equal(a, b)
    assert detect_tones(x, SR) == events


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedAudioError, match="one channel"):
        detect_tones(np.zeros((2, 800), np.float32), SR)
    with pytest.raises(CorruptAudioError, match="NaN"):
        detect_dtmf(np.full(800, np.inf, np.float32), SR)
    assert detect_tones(np.zeros(10, np.float32), SR) == []


# -- talk-off: nothing on real speech or real music -------------------------------------


def _corpus(directory: Path) -> np.ndarray:
    import soxr

    pieces = []
    for path in sorted(directory.glob("*.wav")):
        x, sr = sf.read(path, dtype="float32", always_2d=True)
        x = x.mean(axis=1)
        if sr != SR:
            x = soxr.resample(x, sr, SR).astype(np.float32)
        pieces += [x, silence(0.2)]
    return np.concatenate(pieces)


@pytest.mark.skipif(not available(), reason="speech corpora missing")
@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("corpus", ["asterisk", "asterisk_digits", "librivox"])
def test_no_tone_on_real_speech(corpus: str, codec: Codec) -> None:
    directory = {
        "asterisk": ASTERISK_SOUNDS_DIR,
        "asterisk_digits": ASTERISK_SOUNDS_DIR / "digits",
        "librivox": LIBRIVOX_DIR,
    }[corpus]
    x = codec_round_trip(_corpus(directory), codec)
    assert detect_tones(x, SR) == []


@pytest.mark.parametrize("name", ["good_call", "shouting", "interrupting"])
def test_no_tone_on_espeak_calls(name: str) -> None:
    audio, sample_rate = sf.read(SAMPLE_DIR / f"{name}.wav", dtype="float32", always_2d=True)
    for channel in audio.T:
        assert detect_tones(channel, sample_rate) == []


@pytest.mark.skipif(not moh_tracks(), reason="apt-get install asterisk-moh-opsound-wav")
@pytest.mark.parametrize("codec", CODECS)
def test_no_tone_on_music_on_hold(codec: Codec) -> None:
    found: dict[str, list[ToneEvent]] = {}
    for track in moh_tracks():
        x = codec_round_trip(moh(track, 0.0, 180.0), codec)
        found[track] = detect_tones(x, SR)
    assert found == {track: [] for track in moh_tracks()}
