"""analyzers.audio: decode every supported format to the signal that was written.

Fixtures are generated in tmp_path from known signals: a 500 Hz tone on the left channel
and a 1250 Hz tone on the right (mono files carry the left tone), plus a 20 ms click
burst at 0.5 s so time alignment can be checked, not just spectra.
"""

from __future__ import annotations

import io
import math
import struct
import tempfile
import tracemalloc
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf
from scipy.signal import correlate, resample_poly

from analyzers.audio import (
    AudioInfo,
    CallAudio,
    check_audio_info,
    load_audio,
    probe_audio,
    resample,
    to_mono,
)
from analyzers.errors import (
    AudioError,
    CorruptAudioError,
    EmptyAudioError,
    TooLongError,
    TooManyChannelsError,
    UnsupportedAudioError,
)

LEFT_HZ = 500.0
RIGHT_HZ = 1250.0
AMPLITUDE = 0.5
BURST_AT_S = 0.5
BURST_S = 0.02


def known_signal(sample_rate: int, channels: int, seconds: float = 1.0) -> np.ndarray:
    """(channels, n) float32: one tone per channel and a click burst at BURST_AT_S."""
    t = np.arange(round(sample_rate * seconds)) / sample_rate
    tones = [LEFT_HZ, RIGHT_HZ][:channels]
    x = np.stack([AMPLITUDE * np.sin(2 * np.pi * hz * t) for hz in tones])
    start, n = round(sample_rate * BURST_AT_S), round(sample_rate * BURST_S)
    rng = np.random.default_rng(7)
    x[:, start : start + n] = 0.9 * np.sign(rng.standard_normal((channels, n)))
    return x.astype(np.float32)


def tone_power(x: np.ndarray, sample_rate: int, hz: float) -> float:
    """Power within +-10 Hz of ``hz`` (Hann window), for leakage comparisons."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / sample_rate)
    return float(spectrum[np.abs(freqs - hz) <= 10].sum())


def dominant_hz(x: np.ndarray, sample_rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / sample_rate)[np.argmax(spectrum)])


def lag_samples(decoded: np.ndarray, original: np.ndarray) -> int:
    """Delay of ``decoded`` against ``original`` by cross-correlation."""
    n = min(len(decoded), len(original))
    correlation = correlate(decoded[:n], original[:n], mode="full", method="fft")
    return int(np.argmax(correlation)) - (n - 1)


def assert_content(audio: CallAudio, original: np.ndarray, *, max_lag_s: float) -> None:
    """Right tone dominant on the right channel, the other tone far weaker, aligned."""
    tone_of_channel = [LEFT_HZ, RIGHT_HZ]
    sr = audio.sample_rate
    for i in range(audio.n_channels):
        decoded = audio.channel(i)
        steady = decoded[: round(sr * 0.45)]  # before the burst
        assert dominant_hz(steady, sr) == pytest.approx(tone_of_channel[i], abs=3)
        if audio.n_channels == 2:
            other = tone_of_channel[1 - i]
            own = tone_power(steady, sr, tone_of_channel[i])
            assert tone_power(steady, sr, other) < own / 100, f"channel {i} leaks"
        rms = float(np.sqrt(np.mean(steady[sr // 10 :] ** 2)))
        assert rms == pytest.approx(AMPLITUDE / np.sqrt(2), rel=0.1)
        assert abs(lag_samples(decoded, original[i])) <= max_lag_s * sr


# -- every soundfile-written format, rate and channel count ----------------------------

# (id, soundfile format, subtype, extension, codec, container, lossless max abs error)
SOUNDFILE_FORMATS = [
    ("pcm16", "WAV", "PCM_16", "wav", "pcm_s16", "wav", 1e-4),
    ("pcm24", "WAV", "PCM_24", "wav", "pcm_s24", "wav", 1e-6),
    ("pcm32", "WAV", "PCM_32", "wav", "pcm_s32", "wav", 1e-6),
    ("float32", "WAV", "FLOAT", "wav", "pcm_f32", "wav", 0.0),
    ("float64", "WAV", "DOUBLE", "wav", "pcm_f64", "wav", 0.0),
    ("mulaw", "WAV", "ULAW", "wav", "pcm_mulaw", "wav", 0.03),
    ("alaw", "WAV", "ALAW", "wav", "pcm_alaw", "wav", 0.03),
    ("extensible", "WAVEX", "PCM_16", "wav", "pcm_s16", "wav", 1e-4),
    ("flac", "FLAC", "PCM_16", "flac", "flac", "flac", 1e-4),
    ("vorbis", "OGG", "VORBIS", "ogg", "vorbis", "ogg", None),
    ("opus", "OGG", "OPUS", "opus", "opus", "ogg", None),
    ("mp3", "MP3", "MPEG_LAYER_III", "mp3", "mp3", "mp3", None),
]
RATES = [8000, 16000, 44100, 48000]


def soundfile_cases() -> list:
    cases = []
    for fmt in SOUNDFILE_FORMATS:
        for rate in RATES:
            if fmt[0] == "opus" and rate == 44100:
                continue  # Opus has no 44.1 kHz mode
            for channels in (1, 2):
                case_id = f"{fmt[0]}-{rate}-{'stereo' if channels == 2 else 'mono'}"
                cases.append(pytest.param(*fmt[1:], rate, channels, id=case_id))
    return cases


@pytest.mark.parametrize(
    ("sf_format", "subtype", "ext", "codec", "container", "max_error", "rate", "channels"),
    soundfile_cases(),
)
def test_decodes_every_format_rate_and_layout(
    tmp_path: Path,
    sf_format: str,
    subtype: str,
    ext: str,
    codec: str,
    container: str,
    max_error: float | None,
    rate: int,
    channels: int,
) -> None:
    original = known_signal(rate, channels)
    path = tmp_path / f"call.{ext}"
    sf.write(path, original.T, rate, format=sf_format, subtype=subtype)

    audio = load_audio(path)

    assert (audio.n_channels, audio.sample_rate) == (channels, rate)
    assert (audio.codec, audio.container) == (codec, container)
    assert audio.samples.dtype == np.float32
    assert audio.samples.shape == (channels, audio.n_samples)
    if max_error is not None:  # lossless or G.711: the very samples, in order
        assert audio.n_samples == original.shape[1]
        assert np.abs(audio.samples - original).max() <= max_error
    else:
        assert audio.duration_s == pytest.approx(1.0, abs=0.05)
    assert_content(audio, original, max_lag_s=0.001)
    assert probe_audio(path) == AudioInfo(rate, channels, audio.duration_s, codec, container)


# -- formats only FFmpeg reads (PyAV fallback) -----------------------------------------


class _WriteOnly:
    """A non-seekable sink: FFmpeg then cannot go back and write the duration."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        return len(chunk)


def write_with_av(
    sink: str | Path | _WriteOnly,
    container_format: str,
    codec: str,
    signal: np.ndarray,
    rate: int,
    sample_format: str,
) -> None:
    layout = "mono" if signal.shape[0] == 1 else "stereo"
    planar = sample_format.endswith("p")
    data = signal if planar else signal.T.reshape(1, -1)
    if sample_format.startswith("s16"):
        data = np.round(data * 32767).astype(np.int16)
    with av.open(sink, "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        stream.format = sample_format
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(data), format=sample_format, layout=layout
        )
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)


AV_FORMATS = [
    # id, container format, encoder, sample format, write rate, decoded rate, codec, container
    pytest.param("mp4", "aac", "fltp", 8000, 8000, "aac", "mp4", id="m4a-aac-8k"),
    pytest.param("mp4", "aac", "fltp", 44100, 44100, "aac", "mp4", id="m4a-aac-44k"),
    pytest.param("webm", "libopus", "flt", 16000, 48000, "opus", "matroska", id="webm-opus"),
    pytest.param("amr", "libopencore_amrnb", "s16", 8000, 8000, "amr_nb", "amr", id="amr-nb"),
]


@pytest.mark.parametrize(
    ("container_format", "encoder", "sample_format", "rate", "decoded_rate", "codec", "container"),
    AV_FORMATS,
)
def test_falls_back_to_ffmpeg_for_what_libsndfile_cannot_read(
    tmp_path: Path,
    container_format: str,
    encoder: str,
    sample_format: str,
    rate: int,
    decoded_rate: int,
    codec: str,
    container: str,
) -> None:
    channels = 1 if codec == "amr_nb" else 2  # AMR-NB is mono by definition
    original = known_signal(rate, channels)
    path = tmp_path / f"call.{container_format}"
    write_with_av(path, container_format, encoder, original, rate, sample_format)
    with pytest.raises(sf.LibsndfileError):
        sf.info(path)  # the case really needs the fallback

    audio = load_audio(path)

    assert (audio.n_channels, audio.sample_rate) == (channels, decoded_rate)
    assert (audio.codec, audio.container) == (codec, container)
    # AAC from PyAV's muxer keeps the encoder's 1024-sample priming (no edit list), and
    # Opus decodes at 48 kHz: compare against the original at the decoded rate.
    reference = resample(original, rate, decoded_rate)
    priming_s = 1024 / rate if codec == "aac" else 0.0
    assert audio.duration_s == pytest.approx(1.0 + priming_s, abs=0.06)
    if codec == "amr_nb":  # a speech codec: a pure tone survives, its level is not kept
        assert dominant_hz(audio.channel(0)[: decoded_rate // 3], decoded_rate) == pytest.approx(
            LEFT_HZ, abs=3
        )
    else:
        assert_content(audio, reference, max_lag_s=priming_s + 0.001)
    info = probe_audio(path)
    assert (info.sample_rate, info.channels, info.codec, info.container) == (
        decoded_rate,
        channels,
        codec,
        container,
    )


def test_mp3_written_by_ffmpeg_decodes_aligned(tmp_path: Path) -> None:
    original = known_signal(8000, 2)
    path = tmp_path / "call.mp3"
    write_with_av(path, "mp3", "libmp3lame", original, 8000, "fltp")
    audio = load_audio(path)
    assert (audio.codec, audio.n_channels, audio.sample_rate) == ("mp3", 2, 8000)
    assert_content(audio, original, max_lag_s=0.001)


# -- sources: path, str, bytes, file objects -------------------------------------------


@pytest.fixture
def stereo_wav(tmp_path: Path) -> tuple[Path, np.ndarray]:
    original = known_signal(8000, 2)
    path = tmp_path / "call.wav"
    sf.write(path, original.T, 8000, subtype="PCM_16")
    return path, original


class _NonSeekable(io.RawIOBase):
    """Like an upload stream: read() only."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        return self._inner.readinto(buffer)


def test_reads_str_path_bytes_and_file_objects(stereo_wav: tuple[Path, np.ndarray]) -> None:
    path, original = stereo_wav
    data = path.read_bytes()
    with path.open("rb") as handle:
        from_handle = load_audio(handle)
        assert not handle.closed  # the caller's object stays the caller's
    offset_stream = io.BytesIO(b"junk" + data)
    offset_stream.seek(4)  # positioned at the recording, not at 0
    sources: list[object] = [
        str(path),
        data,
        bytearray(data),
        memoryview(data),
        io.BytesIO(data),
        io.BufferedReader(_NonSeekable(data)),
        offset_stream,
    ]
    for source in sources:
        audio = load_audio(source)  # type: ignore[arg-type]
        np.testing.assert_allclose(audio.samples, from_handle.samples)
    assert_content(from_handle, original, max_lag_s=0)
    assert probe_audio(data).duration_s == pytest.approx(1.0)


def test_upload_spool_can_be_probed_then_loaded(stereo_wav: tuple[Path, np.ndarray]) -> None:
    """The service's path: probe the upload (FastAPI's SpooledTemporaryFile), then load it."""
    path, original = stereo_wav
    for max_size in (0, 10_000_000):  # rolled over to disk, and kept in memory
        with tempfile.SpooledTemporaryFile(max_size=max_size) as spool:
            spool.write(path.read_bytes())
            spool.seek(0)
            assert probe_audio(spool).channels == 2  # type: ignore[arg-type]
            assert spool.tell() == 0
            audio = load_audio(spool)  # type: ignore[arg-type]
            np.testing.assert_allclose(audio.samples, original, atol=1e-4)


def test_text_mode_file_object_is_a_type_error(stereo_wav: tuple[Path, np.ndarray]) -> None:
    path, _ = stereo_wav
    with path.open(encoding="latin-1") as text, pytest.raises(TypeError, match="binary mode"):
        load_audio(text)  # type: ignore[arg-type]


def test_ffmpeg_fallback_reads_bytes_and_file_objects(tmp_path: Path) -> None:
    original = known_signal(8000, 2)
    path = tmp_path / "call.m4a"
    write_with_av(path, "mp4", "aac", original, 8000, "fltp")
    data = path.read_bytes()
    seekable = io.BytesIO(data)
    assert probe_audio(seekable).codec == "aac"
    for source in (data, seekable, io.BufferedReader(_NonSeekable(data))):
        audio = load_audio(source)  # type: ignore[arg-type]
        assert (audio.codec, audio.n_channels) == ("aac", 2)
        assert dominant_hz(audio.channel(1)[:3000], 8000) == pytest.approx(RIGHT_HZ, abs=3)


def test_missing_file_is_the_callers_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_audio(tmp_path / "nope.wav")


# -- bad input: each gets its typed error and a message with the facts ------------------


def _raises(error: type[AudioError], source: object, *words: str, **limits: float) -> None:
    with pytest.raises(error) as caught:
        load_audio(source, **limits)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_empty_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    _raises(EmptyAudioError, empty, "0 bytes")
    _raises(EmptyAudioError, b"", "0 bytes")
    _raises(EmptyAudioError, io.BytesIO(), "0 bytes")
    with pytest.raises(EmptyAudioError):
        probe_audio(empty)


def test_header_only_wav_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "header_only.wav"
    sf.write(path, np.zeros((0, 2)), 8000, subtype="PCM_16")
    assert path.stat().st_size == 44
    _raises(EmptyAudioError, path, "no audio samples")
    assert probe_audio(path).duration_s == 0
    with pytest.raises(EmptyAudioError):
        check_audio_info(probe_audio(path))


def test_truncated_wav_decodes_what_is_there(stereo_wav: tuple[Path, np.ndarray]) -> None:
    path, original = stereo_wav
    data = path.read_bytes()
    kept_frames = 6000
    audio = load_audio(data[: 44 + kept_frames * 4 + 3])  # cut mid-frame too
    assert audio.n_samples == kept_frames
    np.testing.assert_allclose(audio.samples, original[:, :kept_frames], atol=1e-4)


def test_wav_cut_inside_its_header_is_corrupt(stereo_wav: tuple[Path, np.ndarray]) -> None:
    path, _ = stereo_wav
    _raises(CorruptAudioError, path.read_bytes()[:30], "libsndfile", "FFmpeg")


def test_random_bytes_and_text_are_corrupt(tmp_path: Path) -> None:
    noise = np.random.default_rng(3).integers(0, 256, 20_000, dtype=np.uint8).tobytes()
    _raises(CorruptAudioError, noise, "not a readable audio file", "Format not recognised")
    text = tmp_path / "notes.txt"
    text.write_text("Call notes: customer asked about the invoice.\n" * 50)
    _raises(CorruptAudioError, text, "not an audio recording", "plain text")
    with pytest.raises(CorruptAudioError):
        probe_audio(text)


def test_damage_inside_a_flac_is_decoded_around(tmp_path: Path) -> None:
    """libsndfile loses sync and raises; FFmpeg skips the damaged packet and goes on."""
    path = tmp_path / "call.flac"
    sf.write(path, known_signal(8000, 2, seconds=3).T, 8000, format="FLAC")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 2000] = np.random.default_rng(5).bytes(2000)
    with pytest.raises(sf.LibsndfileError):
        sf.read(io.BytesIO(bytes(data)))

    audio = load_audio(bytes(data))

    assert 1.0 < audio.duration_s < 3.0  # the damaged stretch is dropped, not padded
    assert dominant_hz(audio.channel(0)[:3600], 8000) == pytest.approx(LEFT_HZ, abs=3)
    assert dominant_hz(audio.channel(1)[-3600:], 8000) == pytest.approx(RIGHT_HZ, abs=3)


def wav_header(tag: int, rate: int, bits: int, data_bytes: int) -> bytes:
    """A mono WAV header with any codec id (``tag``), announcing ``data_bytes`` of data."""
    block = bits // 8
    fmt = struct.pack("<IHHIIHH", 16, tag, 1, rate, rate * block, block, bits)
    riff = b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt " + fmt
    return riff + b"data" + struct.pack("<I", data_bytes)


def _wav_with_format_tag(tag: int) -> bytes:
    return wav_header(tag, 8000, 8, 8000) + bytes(8000)


def test_codec_without_a_decoder_is_unsupported() -> None:
    _raises(UnsupportedAudioError, _wav_with_format_tag(0x0999), "no decoder")


def test_undecodable_payload_is_corrupt() -> None:
    # Format tag 0x0055 says MP3, but the payload is zeros: every packet is rejected.
    _raises(CorruptAudioError, _wav_with_format_tag(0x0055), "mp3", "rejected all")


@pytest.mark.parametrize("channels", [3, 4])
def test_more_than_two_channels(tmp_path: Path, channels: int) -> None:
    path = tmp_path / f"{channels}ch.wav"
    sf.write(path, np.zeros((800, channels), dtype=np.float32), 8000, subtype="PCM_16")
    _raises(
        TooManyChannelsError,
        path,
        f"recording has {channels} channels",
        "mono or stereo (one party per channel)",
    )


def test_max_channels_is_the_callers_choice(stereo_wav: tuple[Path, np.ndarray]) -> None:
    path, _ = stereo_wav
    _raises(TooManyChannelsError, path, "2 channels", "at most 1", max_channels=1)


@pytest.mark.parametrize("rate", [4000, 96000])
def test_sample_rate_outside_telephone_to_studio_range(tmp_path: Path, rate: int) -> None:
    path = tmp_path / f"{rate}.wav"
    sf.write(path, known_signal(rate, 1).T, rate, subtype="PCM_16")
    _raises(UnsupportedAudioError, path, f"{rate} Hz", "8000-48000 Hz")


def test_too_long(stereo_wav: tuple[Path, np.ndarray]) -> None:
    path, _ = stereo_wav
    _raises(TooLongError, path, "1.0 s", "0.5 s", max_duration_s=0.5)
    assert load_audio(path, max_duration_s=1.0).duration_s == 1.0  # the limit itself is fine


def test_ten_hour_file_is_rejected_from_its_header(tmp_path: Path) -> None:
    """A real 10-hour 8 kHz WAV (sparse on disk): rejected without decoding it."""
    rate, seconds = 8000, 10 * 3600
    data_bytes = rate * seconds * 2
    header = wav_header(1, rate, 16, data_bytes)  # tag 1: PCM
    path = tmp_path / "ten_hours.wav"
    with path.open("wb") as handle:
        handle.write(header)
        handle.truncate(len(header) + data_bytes)  # zeros, without writing 576 MB

    assert probe_audio(path).duration_s == seconds
    tracemalloc.start()
    try:
        _raises(TooLongError, path, "10:00:00 (36000 s)", "4:00:00", max_duration_s=4 * 3600)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # decoding it would take 1.15 GB of float32


def test_limit_enforced_while_decoding_when_the_container_has_no_duration() -> None:
    sink = _WriteOnly()
    write_with_av(sink, "webm", "libopus", known_signal(48000, 1, seconds=3), 48000, "flt")
    assert probe_audio(bytes(sink.data)).duration_s is None
    _raises(TooLongError, bytes(sink.data), "more than 1.0 s", max_duration_s=1.0)
    assert load_audio(bytes(sink.data)).duration_s == pytest.approx(3.0, abs=0.05)


def test_ffmpeg_path_checks_limits_from_the_header(tmp_path: Path) -> None:
    path = tmp_path / "call.m4a"
    write_with_av(path, "mp4", "aac", known_signal(8000, 2, seconds=3), 8000, "fltp")
    _raises(TooLongError, path, "3.1 s", "the limit is 2.0 s", max_duration_s=2.0)
    _raises(TooManyChannelsError, path, "2 channels", max_channels=1)


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_non_finite_samples_are_corrupt(tmp_path: Path, bad_value: float) -> None:
    signal = known_signal(8000, 2)
    signal[1, 4000] = bad_value
    path = tmp_path / "bad.wav"
    sf.write(path, signal.T, 8000, subtype="FLOAT")
    _raises(CorruptAudioError, path, "non-finite", "0.500 s", "channel 1")


def test_errors_carry_their_codes() -> None:
    with pytest.raises(AudioError) as caught:
        load_audio(b"")
    assert caught.value.code == "empty_audio"


# -- CallAudio, resample, to_mono ------------------------------------------------------


def test_call_audio_shape_helpers_and_immutability() -> None:
    samples = known_signal(8000, 2, seconds=2)
    audio = CallAudio(samples, 8000, "pcm_s16", "wav")
    assert (audio.n_channels, audio.n_samples, audio.duration_s) == (2, 16000, 2.0)
    np.testing.assert_array_equal(audio.channel(1), samples[1])
    with pytest.raises(IndexError, match="has 2"):
        audio.channel(2)
    with pytest.raises(ValueError, match="read-only"):
        audio.channel(0)[0] = 1.0
    samples[0, 0] = 0.25  # the caller's own array stays writable
    mono = CallAudio(np.zeros(80, dtype=np.float64), 8000)
    assert (mono.n_channels, mono.samples.dtype) == (1, np.float32)
    with pytest.raises(ValueError, match="channels, n"):
        CallAudio(np.zeros((1, 2, 3)), 8000)


@pytest.mark.parametrize(("sr_from", "sr_to"), [(8000, 16000), (44100, 16000), (48000, 8000)])
def test_resample_keeps_tones_and_channel_order(sr_from: int, sr_to: int) -> None:
    stereo = known_signal(sr_from, 2)
    out = resample(stereo, sr_from, sr_to)
    assert out.shape == (2, sr_to)
    assert out.dtype == np.float32 and out.flags.c_contiguous
    assert dominant_hz(out[0, : sr_to // 3], sr_to) == pytest.approx(LEFT_HZ, abs=3)
    assert dominant_hz(out[1, : sr_to // 3], sr_to) == pytest.approx(RIGHT_HZ, abs=3)
    # No delay: aligned with scipy's zero-phase polyphase resampler (the burst fixes the lag).
    common = math.gcd(sr_from, sr_to)
    for i in range(2):
        reference = resample_poly(stereo[i], sr_to // common, sr_from // common)
        assert abs(lag_samples(out[i], reference)) <= 1
    np.testing.assert_allclose(out[1], resample(stereo[1], sr_from, sr_to), atol=1e-6)
    assert resample(stereo, sr_from, sr_from) is stereo


def test_resample_rejects_bad_rates() -> None:
    with pytest.raises(ValueError, match="positive"):
        resample(np.zeros(10, dtype=np.float32), 0, 8000)


def test_to_mono_averages_channels() -> None:
    stereo = np.array([[1.0, 0.5, -1.0], [0.0, 0.5, 1.0]], dtype=np.float32)
    mono = to_mono(stereo)
    np.testing.assert_array_equal(mono, [0.5, 0.5, 0.0])
    assert mono.dtype == np.float32
    assert to_mono(mono) is mono
