"""Decode a call recording into float32 numpy arrays, one row per channel.

Two decoders, both from the project's Python dependencies (no system ffmpeg):

1. soundfile (libsndfile >= 1.1): WAV (PCM 8/16/24/32-bit, float 32/64, G.711 mu-law and
   A-law, ADPCM, GSM 6.10, WAVE_FORMAT_EXTENSIBLE, RF64), FLAC, OGG Vorbis, OGG Opus, MP3,
   AIFF, AU, CAF. Fast: decoded block-wise straight into one preallocated array.
2. PyAV (bundled FFmpeg libraries) for whatever libsndfile cannot open or read: M4A/AAC,
   WebM/Matroska Opus, AMR, MP3 or WAV variants libsndfile rejects.

Decisions:

- Streamed: each decoded block is resampled at once to ``max_rate`` (when the file's rate
  is higher; soxr's streaming resampler, the same result as resampling the whole signal)
  and written into one preallocated output (:mod:`analyzers.audio_sink`). A 48 kHz
  recording never exists in memory at 48 kHz. Without ``max_rate`` the file's rate is
  kept; it must be 8000..48000 Hz.
- Limits (channels, sample rate, duration) are checked from the header before anything
  is decoded, so a 10-hour upload is rejected in milliseconds, and the duration again
  block by block: a container that does not state its duration (streamed WebM/Ogg) stops
  at the limit, not after decoding everything.
- Not audio is refused before decoding (:mod:`analyzers.decode_checks`): text, HTML, JSON
  named as audio, and decodes that explain too few of the file's bytes (random bytes in
  which mpg123 finds a few frames).
- A truncated file (an upload cut off mid-transfer) decodes to the samples that are there
  with a ``truncated`` warning (the header's duration and the decoded one; WAV's data
  length is read from the header, as libsndfile quietly clamps it). Damage inside a file
  is decoded around: libsndfile/mpg123 resync on MP3, and when libsndfile gives up (e.g.
  FLAC "lost sync") FFmpeg skips the damaged packets, with a ``damaged`` warning. The
  damaged stretch is dropped, not padded, so times after it come early by its length.
  A file whose header is cut off, or which yields no decodable samples at all, raises
  CorruptAudioError or EmptyAudioError. NaN or infinite samples raise CorruptAudioError.
- Opus keeps the rate its decoder reports: libsndfile honours the Ogg Opus header's input
  rate (an 8 kHz call stays 8 kHz); FFmpeg (WebM) always decodes Opus at 48 kHz.
- Every failure is one of the typed errors in :mod:`analyzers.errors`; library exceptions
  never escape (a missing file or a directory still raises FileNotFoundError or
  IsADirectoryError: that is a caller error). libmpg123's notes are kept off stderr.

Peak memory: the output at the output rate plus one block (5 minutes of 8 kHz stereo is
19 MB of float32), on both paths; when the length is unknown (FFmpeg without a duration)
the output grows by half when full. With ``spill``, a long recording (or one of unknown
length) is written to temporary files instead and returned as a read-only file mapping:
peak memory is then one block. The input file is not read into memory, except bytes
sources (already there) and file objects that cannot seek or are not at offset 0 (copied
once so both decoders can seek).

The returned samples are read-only: analysis stages are pure functions and must not
modify a recording that other stages also read.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import soundfile as sf

from analyzers.audio_sink import DecodeSink, LongerThanAssumedError, format_duration
from analyzers.decode_checks import (
    declared_wav_frames,
    head_bytes,
    id3_size,
    quiet_stderr,
    reject_text,
    require_plausible_decode,
)
from analyzers.errors import (
    CorruptAudioError,
    EmptyAudioError,
    TooLongError,
    TooManyChannelsError,
    UnsupportedAudioError,
)
from analyzers.report import ReportWarning
from analyzers.sample_store import SpillToDisk

if TYPE_CHECKING:
    import av.audio.stream
    import av.container

log = logging.getLogger(__name__)

MIN_SAMPLE_RATE = 8000
MAX_SAMPLE_RATE = 48000

AudioSource = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO
# A call's samples as analysers take them: a (channels, n) array, or a sequence of 1-D
# channels (a paged call fetches each when asked: analyzers.stages.decode.DecodedCall).
ChannelSamples = np.ndarray | Sequence[np.ndarray]

# Frames decoded per soundfile read: big enough that the loop overhead vanishes, small
# enough that the block is negligible next to the output array.
_SOUNDFILE_BLOCK_FRAMES = 1 << 16
_SF_COUNT_MAX = 2**63 - 1
_SEEK_CHECK_PACKETS = 50  # packets read after seeking to the limit (about a second)

# libsndfile names -> the FFmpeg-style names used for both decoders (endianness dropped).
_SOUNDFILE_CODECS = {
    "PCM_S8": "pcm_s8",
    "PCM_U8": "pcm_u8",
    "PCM_16": "pcm_s16",
    "PCM_24": "pcm_s24",
    "PCM_32": "pcm_s32",
    "FLOAT": "pcm_f32",
    "DOUBLE": "pcm_f64",
    "ULAW": "pcm_mulaw",
    "ALAW": "pcm_alaw",
    "IMA_ADPCM": "adpcm_ima_wav",
    "MS_ADPCM": "adpcm_ms",
    "GSM610": "gsm_ms",
    "VORBIS": "vorbis",
    "OPUS": "opus",
    "MPEG_LAYER_I": "mp1",
    "MPEG_LAYER_II": "mp2",
    "MPEG_LAYER_III": "mp3",
}
# Containers whose codec is the container itself (libsndfile reports the bit depth).
_SOUNDFILE_CODEC_CONTAINERS = {"FLAC": "flac"}
_SOUNDFILE_CONTAINERS = {"WAVEX": "wav"}
_AV_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "matroska"}


@dataclass(frozen=True)
class CallAudio:
    """A decoded recording: float32 samples shaped (channels, n), about [-1, 1]."""

    samples: np.ndarray
    sample_rate: int
    codec: str = "pcm_f32"
    container: str = "array"
    source_rate: int = 0  # the file's own rate (0: the same as sample_rate)
    warnings: tuple[ReportWarning, ...] = ()  # truncated or damaged recording

    def __post_init__(self) -> None:
        samples = np.asarray(self.samples, dtype=np.float32)
        if samples.ndim == 1:
            samples = samples[np.newaxis, :]
        if samples.ndim != 2:
            raise ValueError(f"samples must be (channels, n), got shape {samples.shape}")
        if self.sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {self.sample_rate}")
        samples = np.ascontiguousarray(samples).view()  # freeze a view, not the caller's array
        samples.flags.writeable = False
        object.__setattr__(self, "samples", samples)
        if self.source_rate <= 0:
            object.__setattr__(self, "source_rate", self.sample_rate)

    @property
    def n_channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def n_samples(self) -> int:
        return int(self.samples.shape[1])

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.sample_rate

    def channel(self, i: int) -> np.ndarray:
        """Samples of channel ``i`` (0-based), a read-only 1-D view."""
        if not 0 <= i < self.n_channels:
            raise IndexError(f"channel {i} does not exist; the recording has {self.n_channels}")
        return self.samples[i]


@dataclass(frozen=True)
class AudioInfo:
    """What a recording's header says, read without decoding the audio."""

    sample_rate: int
    channels: int
    duration_s: float | None  # None: the container does not state it
    codec: str
    container: str


def probe_audio(source: AudioSource) -> AudioInfo:
    """Read only the header of ``source``; raises the typed errors if it is unreadable."""
    target, _ = _open_source(source)
    try:
        reject_text(head_bytes(target))
        try:
            with quiet_stderr(), _open_soundfile(target) as sound_file:
                return _soundfile_info(sound_file)
        except _SoundfileCannotReadError as failure:
            sf_reason = str(failure)
        _rewind(target)
        with _open_av(target, sf_reason) as container:
            return _av_info(container, _audio_stream(container))
    finally:
        _rewind(target)  # a caller's file object is left where it was given to us


def check_audio_info(
    info: AudioInfo, *, max_duration_s: float | None = None, max_channels: int = 2
) -> None:
    """Raise the typed error if a recording with this header cannot be analysed."""
    if info.duration_s == 0:
        raise EmptyAudioError(f"recording has no audio samples ({info.container} header only)")
    if info.channels < 1:
        raise CorruptAudioError(f"{info.container} header declares {info.channels} channels")
    if info.channels > max_channels:
        allowed = (
            "mono or stereo (one party per channel)"
            if max_channels == 2
            else f"at most {max_channels} channel(s)"
        )
        raise TooManyChannelsError(
            f"recording has {info.channels} channels; callcoach analyses {allowed}"
        )
    if not MIN_SAMPLE_RATE <= info.sample_rate <= MAX_SAMPLE_RATE:
        raise UnsupportedAudioError(
            f"sample rate {info.sample_rate} Hz is outside the supported "
            f"{MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE} Hz"
        )
    if max_duration_s is not None and info.duration_s is not None:
        _check_duration(info.duration_s, max_duration_s)


@dataclass(frozen=True)
class LongMaxRate:
    """A lower rate cap for recordings whose header says they last over ``after_s``."""

    after_s: float
    rate: int


def load_audio(
    source: AudioSource,
    *,
    max_duration_s: float | None = None,
    max_channels: int = 2,
    max_rate: int | None = None,
    long_max_rate: LongMaxRate | None = None,
    spill: SpillToDisk | None = None,
) -> CallAudio:
    """Decode a recording (path, bytes or binary file object).

    At its native rate, or resampled while decoding to ``max_rate`` when the file's rate
    is higher (``CallAudio.source_rate`` keeps the file's); a recording whose header
    says it lasts longer than ``long_max_rate.after_s`` at most at ``long_max_rate.rate``
    (one whose header does not say, once it has decoded past ``after_s``: it is then
    decoded again from the start at that rate).
    Raises EmptyAudioError, CorruptAudioError, UnsupportedAudioError, TooManyChannelsError
    or TooLongError;
    limits are checked from the header first and the duration again while decoding.
    A truncated or damaged recording decodes with a warning in ``CallAudio.warnings``.
    With ``spill``, a long recording's samples are a read-only mapping of a temporary
    file instead of heap memory (:mod:`analyzers.sample_store`).
    """
    target, n_bytes = _open_source(source)
    try:
        request = _Request(
            max_duration_s,
            max_channels,
            max_rate,
            n_bytes,
            head_bytes(target),
            long_max_rate,
            spill,
        )
        return _load(target, request)
    finally:
        _rewind(target)  # a caller's file object is left where it was given to us


def resample(x: np.ndarray, sr_from: int, sr_to: int) -> np.ndarray:
    """Resample 1-D or (channels, n) audio with soxr (HQ); returns ``x`` itself if equal."""
    if sr_from <= 0 or sr_to <= 0:
        raise ValueError(f"sample rates must be positive, got {sr_from} -> {sr_to}")
    if x.ndim not in (1, 2):
        raise ValueError(f"expected 1-D or (channels, n) audio, got shape {x.shape}")
    if sr_from == sr_to:
        return x
    import soxr

    if x.ndim == 1:
        return soxr.resample(x, sr_from, sr_to, quality="HQ")
    # soxr wants (n, channels); the transposes are views, one copy makes rows contiguous.
    return np.ascontiguousarray(soxr.resample(x.T, sr_from, sr_to, quality="HQ").T)


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Average (channels, n) into a 1-D signal; 1-D input is returned unchanged."""
    if samples.ndim == 1:
        return samples
    if samples.ndim != 2:
        raise ValueError(f"expected 1-D or (channels, n) audio, got shape {samples.shape}")
    return samples.mean(axis=0, dtype=np.float32 if samples.dtype == np.float32 else None)


# -- source handling -----------------------------------------------------------------


def _open_source(source: AudioSource) -> tuple[str | BinaryIO, int | None]:
    """A path or a seekable binary stream at offset 0, and its size in bytes.

    Raises EmptyAudioError on 0 bytes.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        stat = os.stat(path)  # FileNotFoundError is the caller's, let it through
        if os.path.isdir(path):
            raise IsADirectoryError(21, "is a directory, not a recording", path)
        if stat.st_size == 0:
            raise EmptyAudioError("recording is empty (0 bytes)")
        return path, stat.st_size
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, io.TextIOBase):
        raise TypeError("file object must be opened in binary mode ('rb'), not text mode")
    elif hasattr(source, "read"):
        if _is_seekable_at_start(source):
            source.seek(0, io.SEEK_END)
            size = source.tell()
            source.seek(0)
            if size == 0:
                raise EmptyAudioError("recording is empty (0 bytes)")
            return source, size
        data = source.read()  # both decoders need to seek from offset 0
        if not isinstance(data, bytes):
            raise TypeError(f"file object must be opened in binary mode, read() gave {data!r:.40}")
    else:
        raise TypeError(f"cannot read audio from {type(source).__name__}")
    if not data:
        raise EmptyAudioError("recording is empty (0 bytes)")
    return io.BytesIO(data), len(data)


def _is_seekable_at_start(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable()) and stream.tell() == 0
    except (AttributeError, OSError, ValueError):
        return False


def _rewind(target: str | BinaryIO) -> None:
    if not isinstance(target, str):
        target.seek(0)


# -- decoding: libsndfile first, FFmpeg second ---------------------------------------


@dataclass(frozen=True)
class _Request:
    """What one load asks for: the limits, the output rate cap and the input's size."""

    max_duration_s: float | None
    max_channels: int
    max_rate: int | None
    n_bytes: int | None
    head: bytes
    long_max_rate: LongMaxRate | None = None
    spill: SpillToDisk | None = None
    known_long: bool = False  # decoded past long_max_rate.after_s once already

    def out_rate(self, info: AudioInfo) -> int:
        cap = self.max_rate
        long = self.long_max_rate
        if long is not None and (
            self.known_long or (info.duration_s is not None and info.duration_s > long.after_s)
        ):
            cap = long.rate if cap is None else min(cap, long.rate)
        return info.sample_rate if cap is None else min(info.sample_rate, cap)

    def restart_after_s(self, info: AudioInfo) -> float | None:
        """Without a duration in the header: past this, decode again at the long rate."""
        long = self.long_max_rate
        if long is None or info.duration_s is not None or self.out_rate(info) <= long.rate:
            return None
        return long.after_s


def _load(target: str | BinaryIO, request: _Request) -> CallAudio:
    """libsndfile first (fast, exact header); FFmpeg for what it cannot open or decode."""
    reject_text(request.head)
    try:
        with quiet_stderr(), _open_soundfile(target) as sound_file:
            info = _soundfile_info(sound_file)
            check_audio_info(
                info, max_duration_s=request.max_duration_s, max_channels=request.max_channels
            )
            sink = _read_soundfile(sound_file, info, request)
    except _SoundfileCannotReadError as failure:
        log.debug("libsndfile could not read the recording (%s); trying FFmpeg", failure)
        _rewind(target)
        return _load_with_av(target, failure, request)
    samples = sink.finish()
    warnings = _truncation_warnings(info, sink, declared_wav_frames(request.head))
    return _checked_audio(samples, info, sink, request, warnings)


def _checked_audio(
    samples: np.ndarray,
    info: AudioInfo,
    sink: DecodeSink,
    request: _Request,
    warnings: list[ReportWarning],
) -> CallAudio:
    if samples.shape[1] == 0 or sink.frames_in == 0:
        raise EmptyAudioError(f"recording has no audio samples ({info.codec} in {info.container})")
    require_plausible_decode(
        n_bytes=None if request.n_bytes is None else request.n_bytes - id3_size(request.head),
        decoded_s=sink.decoded_s,
        codec=info.codec,
        sample_rate=info.sample_rate,
        channels=info.channels,
    )
    for warning in warnings:
        log.info("%s", warning.message)  # the report carries it
    return CallAudio(
        samples,
        sink.out_rate,
        info.codec,
        info.container,
        source_rate=info.sample_rate,
        warnings=tuple(warnings),
    )


def _truncation_warnings(
    info: AudioInfo, sink: DecodeSink, wav_declared_frames: int | None
) -> list[ReportWarning]:
    """A 'truncated' warning when fewer frames decoded than the header promised."""
    declared = info.duration_s
    if wav_declared_frames is not None:
        declared = max(declared or 0.0, wav_declared_frames / info.sample_rate)
    decoded = sink.decoded_s
    # Decoders may differ from the header by a frame or a codec's priming samples.
    if declared is None or declared - decoded <= max(0.05, 0.001 * declared):
        return []
    return [
        ReportWarning(
            code="truncated",
            message=(
                f"recording is truncated: the header says {format_duration(declared)}, "
                f"only {format_duration(decoded)} could be decoded; analysed what is there"
            ),
            declared_duration_s=round(declared, 3),
            decoded_duration_s=round(decoded, 3),
        )
    ]


# -- soundfile (libsndfile) ----------------------------------------------------------


class _SoundfileCannotReadError(Exception):
    """libsndfile cannot open or decode this input; the message says why."""

    mid_stream = False  # it opened the file and failed while reading: damage inside

    @classmethod
    def from_error(cls, exc: Exception, *, mid_stream: bool = False) -> _SoundfileCannotReadError:
        # "Error opening <_io.BytesIO ...>: Format not recognised." -> "Format not recognised."
        reason = str(exc).rsplit(": ", 1)[-1].strip() or type(exc).__name__
        if reason.startswith("File does not exist or is not a regular file"):
            reason = "format not recognised"  # what libsndfile means for unknown data
        failure = cls(reason)
        failure.mid_stream = mid_stream
        return failure


def _open_soundfile(target: str | BinaryIO) -> sf.SoundFile:
    try:
        sound_file = sf.SoundFile(target)
    except (RuntimeError, TypeError, ValueError) as exc:  # LibsndfileError is a RuntimeError
        raise _SoundfileCannotReadError.from_error(exc) from exc
    if sound_file.frames >= _SF_COUNT_MAX:  # libsndfile's "length unknown"
        sound_file.close()
        raise _SoundfileCannotReadError("length unknown to libsndfile")
    return sound_file


def _soundfile_info(sound_file: sf.SoundFile) -> AudioInfo:
    if sound_file.samplerate <= 0:
        raise CorruptAudioError(f"header declares a sample rate of {sound_file.samplerate} Hz")
    codec = _SOUNDFILE_CODEC_CONTAINERS.get(
        sound_file.format,
        _SOUNDFILE_CODECS.get(sound_file.subtype, sound_file.subtype.lower()),
    )
    return AudioInfo(
        sample_rate=int(sound_file.samplerate),
        channels=int(sound_file.channels),
        duration_s=sound_file.frames / sound_file.samplerate,
        codec=codec,
        container=_SOUNDFILE_CONTAINERS.get(sound_file.format, sound_file.format.lower()),
    )


def _read_soundfile(sound_file: sf.SoundFile, info: AudioInfo, request: _Request) -> DecodeSink:
    """Decode block by block into the sink (peak ~ the output at the analysis rate)."""
    frames = sound_file.frames
    sink = DecodeSink(
        in_rate=info.sample_rate,
        out_rate=request.out_rate(info),
        channels=info.channels,
        expected_frames=frames,
        max_duration_s=request.max_duration_s,
        spill=request.spill,
    )
    block = np.empty((min(_SOUNDFILE_BLOCK_FRAMES, frames), info.channels), dtype=np.float32)
    with quiet_stderr(sound_file.format == "MPEG"):
        while sink.frames_in < frames:
            want = min(len(block), frames - sink.frames_in)
            try:
                got = sound_file.read(want, dtype="float32", always_2d=True, out=block[:want])
            except (RuntimeError, ValueError) as exc:  # e.g. FLAC "lost sync": let FFmpeg try
                raise _SoundfileCannotReadError.from_error(exc, mid_stream=True) from exc
            if len(got) == 0:
                break  # fewer frames than the header said: a truncated file
            sink.push(got)
    return sink


# -- PyAV (FFmpeg) -------------------------------------------------------------------


def _open_av(target: str | BinaryIO, sf_reason: str) -> av.container.InputContainer:
    import av

    try:
        return av.open(target, mode="r", metadata_errors="ignore")
    except av.FFmpegError as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise  # the caller's problem, not the recording's
        reason = exc.strerror or type(exc).__name__
        raise CorruptAudioError(
            f"not a readable audio file (libsndfile: {sf_reason}; FFmpeg: {reason})"
        ) from exc


def _audio_stream(container: av.container.InputContainer) -> av.audio.stream.AudioStream:
    if not container.streams.audio:
        found = ", ".join(s.type for s in container.streams) or "none"
        raise CorruptAudioError(
            f"not an audio recording: no audio stream (FFmpeg read it as "
            f"'{container.format.name}' with streams: {found})"
        )
    stream = container.streams.audio[0]
    if stream.codec_context is None:
        raise UnsupportedAudioError(
            f"audio codec in '{container.format.name}' has no decoder in the bundled FFmpeg"
        )
    return stream


def _av_info(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream
) -> AudioInfo:
    context = stream.codec_context
    if stream.duration is not None and stream.time_base is not None:
        duration_s: float | None = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration_s = container.duration / 1_000_000  # AV_TIME_BASE is microseconds
    else:
        duration_s = None
    codec = getattr(context.codec, "canonical_name", None) or "unknown"
    if codec.startswith("pcm_") and codec.endswith(("le", "be")):
        codec = codec[:-2]
    format_name = container.format.name
    return AudioInfo(
        sample_rate=int(context.sample_rate),
        channels=int(context.channels),
        duration_s=duration_s,
        codec=codec,
        container=_AV_CONTAINERS.get(format_name, format_name.split(",")[0]),
    )


def _load_with_av(
    target: str | BinaryIO, sf_failure: _SoundfileCannotReadError, request: _Request
) -> CallAudio:
    """FFmpeg's decode; a recording that turns out long while its header did not say
    how long is decoded again at the long rate (the first hour twice, rather than four
    hours at the higher rate)."""
    try:
        return _open_and_decode_av(target, sf_failure, request)
    except LongerThanAssumedError:
        _rewind(target)
        return _open_and_decode_av(target, sf_failure, replace(request, known_long=True))


def _open_and_decode_av(
    target: str | BinaryIO, sf_failure: _SoundfileCannotReadError, request: _Request
) -> CallAudio:
    with _open_av(target, str(sf_failure)) as container:
        stream = _audio_stream(container)
        info = _av_info(container, stream)
        check_audio_info(
            info, max_duration_s=request.max_duration_s, max_channels=request.max_channels
        )
        if info.duration_s is None and request.max_duration_s is not None:
            _reject_past_the_limit(container, stream, request.max_duration_s)
            _rewind(target)
            return _decode_with_av(target, sf_failure, request, info)
        return _decode_opened(container, stream, sf_failure, request, info)


def _reject_past_the_limit(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    max_duration_s: float,
) -> None:
    """No duration in the header: seek to the limit; a packet after it means too long.

    Milliseconds instead of decoding hours only to find out; a container that cannot
    seek is left to the check while decoding.
    """
    import av

    if stream.time_base is None:
        return
    try:
        container.seek(int(max_duration_s / stream.time_base), stream=stream, backward=True)
        for checked, packet in enumerate(container.demux(stream)):
            if packet.pts is not None and float(packet.pts * stream.time_base) > max_duration_s:
                raise TooLongError(
                    f"recording lasts more than {format_duration(max_duration_s)}; "
                    f"the limit is {format_duration(max_duration_s)}"
                )
            if checked >= _SEEK_CHECK_PACKETS:
                return
    except av.FFmpegError:
        return


def _decode_with_av(
    target: str | BinaryIO,
    sf_failure: _SoundfileCannotReadError,
    request: _Request,
    info: AudioInfo,
) -> CallAudio:
    with _open_av(target, str(sf_failure)) as container:  # opened afresh after the seek
        stream = _audio_stream(container)
        return _decode_opened(container, stream, sf_failure, request, info)


def _decode_opened(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    sf_failure: _SoundfileCannotReadError,
    request: _Request,
    info: AudioInfo,
) -> CallAudio:
    import av

    sink = DecodeSink(
        in_rate=info.sample_rate,
        out_rate=request.out_rate(info),
        channels=info.channels,
        expected_frames=None
        if info.duration_s is None
        else int(info.duration_s * info.sample_rate),
        max_duration_s=request.max_duration_s,
        spill=request.spill,
        restart_after_s=request.restart_after_s(info),
    )
    try:
        skipped, trailing = _decode_av(container, stream, info, sink)
    except (av.FFmpegError, ValueError) as exc:  # e.g. the converter rejects the frames
        raise CorruptAudioError(f"FFmpeg failed decoding {info.codec} audio: {exc}") from exc
    samples = sink.finish()
    truncated = _truncation_warnings(info, sink, declared_wav_frames(request.head))
    # Packets that fail at the very end are a cut-off file; failures followed by good
    # packets (or libsndfile losing sync where FFmpeg did not) are damage inside it.
    if trailing and truncated:
        warnings = truncated
    elif skipped > trailing or sf_failure.mid_stream or trailing:
        warnings = [_damaged_warning(skipped, sf_failure, sink, info)]
    else:
        warnings = truncated
    return _checked_audio(samples, info, sink, request, warnings)


def _damaged_warning(
    skipped: int, sf_failure: _SoundfileCannotReadError, sink: DecodeSink, info: AudioInfo
) -> ReportWarning:
    what = (
        f"{skipped} undecodable {info.codec} packet(s) skipped"
        if skipped
        else f"libsndfile stopped ({sf_failure}), FFmpeg resynchronised"
    )
    of = "" if info.duration_s is None else f" of {info.duration_s:.1f} s"
    return ReportWarning(
        code="damaged",
        message=(
            f"recording is damaged ({what}): {sink.decoded_s:.1f} s{of} decoded "
            "around the damage; times after it may come early"
        ),
        declared_duration_s=None if info.duration_s is None else round(info.duration_s, 3),
        decoded_duration_s=round(sink.decoded_s, 3),
    )


def _decode_av(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    info: AudioInfo,
    sink: DecodeSink,
) -> tuple[int, int]:
    """Decode into the sink, skipping packets FFmpeg rejects.

    Returns how many packets it skipped, and how many of those came after the last
    packet that decoded (a cut-off end rather than damage inside).
    """
    import av

    # Converts any sample format to packed float; it also keeps one rate and layout even
    # if a stream changes them midway.
    layout = stream.layout if stream.layout.nb_channels == info.channels else f"{info.channels}c"
    converter = av.AudioResampler(format="flt", layout=layout, rate=info.sample_rate)
    bad_packets = trailing = 0
    last_error = ""

    def take(frame: av.AudioFrame | None) -> None:
        for converted in converter.resample(frame):
            sink.push(converted.to_ndarray().reshape(-1, info.channels))

    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            break
        except av.FFmpegError as exc:  # damaged container: keep what was decoded
            log.info("stopped demuxing a damaged recording: %s", exc)
            bad_packets += 1
            trailing += 1
            break
        try:
            decoded = packet.decode()
        except (av.error.DecoderNotFoundError, av.error.PatchWelcomeError) as exc:
            raise UnsupportedAudioError(
                f"the bundled FFmpeg cannot decode this {info.codec} audio ({exc.strerror})"
            ) from exc
        except av.FFmpegError as exc:
            bad_packets += 1
            trailing += 1
            last_error = exc.strerror or type(exc).__name__
            continue
        trailing = 0 if decoded else trailing
        for frame in decoded:
            take(frame)
    take(None)  # flush the converter
    if bad_packets and sink.frames_in == 0:
        raise CorruptAudioError(
            f"no decodable audio: FFmpeg rejected all {bad_packets} {info.codec} "
            f"packets ({last_error or 'damaged container'})"
        )
    return bad_packets, trailing


# -- shared checks -------------------------------------------------------------------


def _check_duration(duration_s: float, max_duration_s: float) -> None:
    if duration_s > max_duration_s:
        raise TooLongError(
            f"recording lasts {format_duration(duration_s)}; "
            f"the limit is {format_duration(max_duration_s)}"
        )


__all__ = [
    "MAX_SAMPLE_RATE",
    "MIN_SAMPLE_RATE",
    "AudioInfo",
    "AudioSource",
    "CallAudio",
    "check_audio_info",
    "load_audio",
    "probe_audio",
    "resample",
    "to_mono",
]
