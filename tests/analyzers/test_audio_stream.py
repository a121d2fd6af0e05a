"""Streamed decoding: resampled to the analysis rate as it is read, limits enforced while
decoding, truncation and damage reported, garbage refused."""

from __future__ import annotations

import io
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from analyzers import AnalysisOptions, analyze
from analyzers.audio import CallAudio, LongMaxRate, load_audio
from analyzers.audio_sink import DecodeSink
from analyzers.errors import CorruptAudioError, TooLongError
from analyzers.report_warnings import NO_SPEECH_REASON
from analyzers.sample_store import SpillToDisk, file_mapping
from tests.analyzers.test_audio import _WriteOnly, known_signal, write_with_av

REPO = Path(__file__).resolve().parents[2]


def test_streamed_resampling_equals_resampling_the_whole_signal(tmp_path: Path) -> None:
    signal = known_signal(48000, 2, seconds=5)
    path = tmp_path / "wide.flac"
    sf.write(path, signal.T, 48000, subtype="PCM_24")
    audio = load_audio(path, max_rate=16000)
    assert (audio.sample_rate, audio.source_rate) == (16000, 48000)
    assert audio.samples.flags.c_contiguous
    whole = soxr.resample(sf.read(path, dtype="float32")[0], 48000, 16000, quality="HQ").T
    assert audio.n_samples == whole.shape[1]
    np.testing.assert_allclose(audio.samples, whole, atol=2e-5)


def test_rates_at_or_below_the_cap_are_not_resampled(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    sf.write(path, known_signal(8000, 2).T, 8000)
    audio = load_audio(path, max_rate=16000)
    assert (audio.sample_rate, audio.source_rate, audio.n_samples) == (8000, 8000, 8000)


def test_a_long_recording_is_decoded_straight_to_the_long_rate(tmp_path: Path) -> None:
    """Over ``after_s`` by its header: decoded at the lower cap (the same samples as
    resampling the whole signal to it); at or under it: the ordinary cap."""
    signal = known_signal(48000, 2, seconds=3)
    path = tmp_path / "wide.flac"
    sf.write(path, signal.T, 48000, subtype="PCM_24")
    long = load_audio(path, max_rate=16000, long_max_rate=LongMaxRate(after_s=2.0, rate=8000))
    assert (long.sample_rate, long.source_rate) == (8000, 48000)
    whole = soxr.resample(sf.read(path, dtype="float32")[0], 48000, 8000, quality="HQ").T
    assert long.n_samples == whole.shape[1]
    np.testing.assert_allclose(long.samples, whole, atol=2e-5)
    short = load_audio(path, max_rate=16000, long_max_rate=LongMaxRate(after_s=3.0, rate=8000))
    assert short.sample_rate == 16000


def test_ffmpeg_path_streams_and_resamples_too() -> None:
    sink = _WriteOnly()
    write_with_av(sink, "webm", "libopus", known_signal(48000, 1, seconds=3), 48000, "flt")
    audio = load_audio(bytes(sink.data), max_rate=16000)
    assert (audio.sample_rate, audio.source_rate) == (16000, 48000)
    assert audio.duration_s == pytest.approx(3.0, abs=0.05)


def test_a_header_without_duration_stops_at_the_cap_not_after() -> None:
    """60 s of WebM/Opus with no duration in its header, limit 5 s: the decode stops
    after about 5 s of audio, so it never holds the minute."""
    sink = _WriteOnly()
    write_with_av(sink, "webm", "libopus", known_signal(48000, 2, seconds=60), 48000, "flt")
    tracemalloc.start()
    try:
        with pytest.raises(TooLongError, match=r"more than 5\.0 s"):
            load_audio(bytes(sink.data), max_duration_s=5.0, max_rate=16000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # the whole minute at 16 kHz stereo alone would be 7.7 MB + bytes


def test_a_long_recording_without_duration_is_decoded_again_at_the_long_rate() -> None:
    """WebM/Opus states no duration: decoded at the ordinary cap until it passes
    ``after_s``, then again from the start at the long rate; the samples are those of
    decoding at that rate from the start. Short enough, it keeps the ordinary cap."""
    sink = _WriteOnly()
    write_with_av(sink, "webm", "libopus", known_signal(48000, 2, seconds=5), 48000, "flt")
    data = bytes(sink.data)
    long = load_audio(data, max_rate=16000, long_max_rate=LongMaxRate(after_s=2.0, rate=8000))
    assert (long.sample_rate, long.source_rate) == (8000, 48000)
    assert long.duration_s == pytest.approx(5.0, abs=0.05)
    np.testing.assert_array_equal(long.samples, load_audio(data, max_rate=8000).samples)
    short = load_audio(data, max_rate=16000, long_max_rate=LongMaxRate(after_s=6.0, rate=8000))
    assert short.sample_rate == 16000


def test_a_spilled_decode_is_the_heap_decode_in_a_file(tmp_path: Path) -> None:
    """Longer than ``spill.after_s`` (or of unknown length): the same samples, but a
    read-only mapping of a temporary file that is gone from the directory at once."""
    flac = tmp_path / "wide.flac"
    sf.write(flac, known_signal(48000, 2, seconds=3).T, 48000, subtype="PCM_24")
    webm = _WriteOnly()
    write_with_av(webm, "webm", "libopus", known_signal(48000, 2, seconds=3), 48000, "flt")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    spill = SpillToDisk(after_s=2.0, directory=str(scratch))
    for source in (flac, bytes(webm.data)):  # libsndfile, FFmpeg without a duration
        spilled = load_audio(source, max_rate=16000, spill=spill)
        assert file_mapping(spilled.samples) is not None and list(scratch.iterdir()) == []
        np.testing.assert_array_equal(spilled.samples, load_audio(source, max_rate=16000).samples)
    short = load_audio(flac, max_rate=16000, spill=SpillToDisk(after_s=3.5))
    assert file_mapping(short.samples) is None


def test_sink_grows_and_compacts_rows_in_place() -> None:
    sink = DecodeSink(in_rate=8000, out_rate=8000, channels=2, expected_frames=1000)
    rows = np.arange(2 * 1500, dtype=np.float32).reshape(2, 1500)
    for start in range(0, 1500, 256):
        sink.push(np.ascontiguousarray(rows[:, start : start + 256].T))
    out = sink.finish()
    assert out.flags.c_contiguous
    np.testing.assert_array_equal(out, rows)


def test_truncated_wav_is_analysed_with_a_typed_warning(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    sf.write(path, known_signal(8000, 2, seconds=10).T, 8000)
    audio = load_audio(path.read_bytes()[: 44 + 4 * 8000 * 3])
    assert audio.duration_s == pytest.approx(3.0)
    (warning,) = audio.warnings
    assert warning.code == "truncated"
    assert (warning.declared_duration_s, warning.decoded_duration_s) == (10.0, 3.0)
    assert load_audio(path).warnings == ()


def test_cut_flac_is_truncated_and_damage_inside_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "call.flac"
    sf.write(path, known_signal(8000, 2, seconds=6).T, 8000)
    data = path.read_bytes()
    (cut,) = load_audio(data[: len(data) // 2]).warnings
    assert cut.code == "truncated" and cut.declared_duration_s == 6.0
    damaged = bytearray(data)
    damaged[len(data) // 2 : len(data) // 2 + 300] = np.random.default_rng(1).bytes(300)
    audio = load_audio(bytes(damaged))
    (warning,) = audio.warnings
    assert warning.code == "damaged" and "decoded around the damage" in warning.message
    assert audio.duration_s > 4.5  # decoded past the damage, not stopped at it


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ("Agent notes\r\n".encode("utf-16") * 30, "byte-order mark"),
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML"),
        (b'{"error": "not found", "status": 404}', "JSON"),
        (b"this is a plain text file, not a call recording\n" * 10, "plain text"),
    ],
)
def test_text_named_as_audio_is_refused(payload: bytes, kind: str) -> None:
    with pytest.raises(CorruptAudioError, match=kind):
        load_audio(payload)


def test_random_bytes_decoding_to_milliseconds_are_refused() -> None:
    noise = np.random.default_rng(11).integers(0, 256, 400_000, dtype=np.uint8).tobytes()
    with pytest.raises(CorruptAudioError):
        load_audio(noise)


def test_libmpg123_notes_stay_off_stderr(tmp_path: Path) -> None:
    path = tmp_path / "random.mp3"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 400_000, dtype=np.uint8).tobytes())
    code = (
        "import sys\nfrom analyzers.audio import load_audio\n"
        "try:\n    load_audio(sys.argv[1])\nexcept Exception as e:\n    print(type(e).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], cwd=REPO, capture_output=True, text=True
    )
    assert done.stdout.strip() == "CorruptAudioError"
    assert done.stderr == ""


def test_a_recording_without_speech_is_no_speech_not_a_good_call() -> None:
    silence = CallAudio(np.zeros((2, 8000 * 20), dtype=np.float32), 8000)
    report = analyze(silence, AnalysisOptions(engine="none"))
    assert [w.code for w in report.warnings] == ["no_speech"]
    assert report.findings == []
    assert report.metrics and all(m.status == "unmeasured" for m in report.metrics)
    assert {u.reason for u in report.unmeasured} == {NO_SPEECH_REASON}


def test_a_call_with_speech_has_no_warnings() -> None:
    data, rate = sf.read(REPO / "sample_audio" / "good_call.wav", dtype="float32")
    report = analyze(io.BytesIO(sf_bytes(data, rate)), AnalysisOptions(engine="none"))
    assert report.warnings == []
    assert any(m.status != "unmeasured" for m in report.metrics)


def sf_bytes(data: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, data, rate, format="WAV")
    return buffer.getvalue()


def test_sink_stops_at_the_limit_while_decoding() -> None:
    """What a container that cannot seek relies on: the block that passes the limit."""
    sink = DecodeSink(in_rate=8000, out_rate=8000, channels=1, max_duration_s=1.0)
    block = np.zeros((4000, 1), dtype=np.float32)
    sink.push(block)
    sink.push(block)  # exactly 1.0 s
    with pytest.raises(TooLongError, match="more than"):
        sink.push(block)
