"""Checks around decoding that the decoders themselves do not make.

- Text is not audio: libsndfile and FFmpeg will "decode" a UTF-16 text file named
  ``.wav`` or an HTML error page into a few milliseconds of noise. A file that starts
  like text (a byte-order mark, markup, JSON, or only printable characters) is rejected
  before any decoder sees it.
- Random bytes are not audio: mpg123 finds an accidental frame sync in any large enough
  random file. A decode that accounts for only a small part of the file's bytes (far
  fewer seconds than even the highest bitrate of its codec would give) is garbage.
- A WAV header states its data length; libsndfile quietly clamps it to the file, so the
  declared length is read here to tell a truncated upload from a short call.
- libmpg123 prints its resync notes straight onto the process's stderr (fd 2); they are
  kept off it while libsndfile reads MPEG audio.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
import threading
from collections.abc import Iterator
from typing import BinaryIO

from analyzers.errors import CorruptAudioError

_SNIFF_BYTES = 512
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_TEXT_STARTS = (b"<", b"{", b"[")
_PRINTABLE = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D}

# Highest plausible bytes per second of audio, per codec family (compressed codecs top
# out well below 1 Mbit/s for two channels), and what a header or tags may add.
_COMPRESSED_MAX_BYTES_PER_S = 128_000
_HEADER_SLACK_BYTES = 64 * 1024
_PLAUSIBILITY_FACTOR = 4.0

_stderr_lock = threading.Lock()


def head_bytes(target: str | BinaryIO, n: int = _SNIFF_BYTES) -> bytes:
    if isinstance(target, str):
        with open(target, "rb") as handle:
            return handle.read(n)
    position = target.tell()
    try:
        return target.read(n)
    finally:
        target.seek(position)


def reject_text(head: bytes) -> None:
    """Raise CorruptAudioError if the first bytes of a file are text, not audio."""
    kind = _text_kind(head)
    if kind is not None:
        raise CorruptAudioError(f"not an audio recording: the file is {kind}")


def _text_kind(head: bytes) -> str | None:
    if head.startswith(_TEXT_BOMS):
        return "text (it starts with a Unicode byte-order mark)"
    stripped = head.lstrip()
    if stripped[:1] == b"<" and stripped[:5].lower() in (b"<!doc", b"<html", b"<?xml", b"<head"):
        return "HTML or XML"
    if stripped[:1] in _TEXT_STARTS and _printable_share(head) > 0.97:
        return "JSON or markup text"
    if len(head) >= 16 and _printable_share(head) == 1.0:
        return "plain text"
    return None


def _printable_share(data: bytes) -> float:
    return sum(b in _PRINTABLE for b in data) / max(1, len(data))


def require_plausible_decode(
    *, n_bytes: int | None, decoded_s: float, codec: str, sample_rate: int, channels: int
) -> None:
    """Raise CorruptAudioError when the decoded audio explains too few of the bytes."""
    if n_bytes is None:
        return
    if codec.startswith("pcm_") or codec == "flac":
        max_rate = sample_rate * channels * 8  # float64 PCM is the widest
    else:
        max_rate = _COMPRESSED_MAX_BYTES_PER_S
    explained = decoded_s * max_rate * _PLAUSIBILITY_FACTOR + _HEADER_SLACK_BYTES
    if n_bytes > explained:
        raise CorruptAudioError(
            f"not an audio recording: only {decoded_s * 1000:.0f} ms of {codec} audio "
            f"could be decoded from {n_bytes} bytes (random or damaged data)"
        )


def declared_wav_frames(head: bytes) -> int | None:
    """Frames a RIFF/WAVE header says its data chunk holds (None: not stated/not WAV)."""
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    position, block_align = 12, 0
    while position + 8 <= len(head):
        chunk_id = head[position : position + 4]
        (size,) = struct.unpack("<I", head[position + 4 : position + 8])
        if chunk_id == b"fmt " and position + 22 <= len(head):
            (block_align,) = struct.unpack("<H", head[position + 20 : position + 22])
        if chunk_id == b"data":
            if block_align == 0 or size in (0, 0xFFFFFFFF):  # streaming writers leave 0/-1
                return None
            return size // block_align
        position += 8 + size + (size & 1)
    return None


def id3_size(head: bytes) -> int:
    """Bytes of a leading ID3v2 tag (cover art can make it large), else 0."""
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    size = 0
    for byte in head[6:10]:
        size = (size << 7) | (byte & 0x7F)
    return size + 10


@contextlib.contextmanager
def quiet_stderr(enabled: bool = True) -> Iterator[None]:
    """Send fd 2 to /dev/null while C libraries print notes onto it (process-wide)."""
    if not enabled:
        yield
        return
    try:
        fd = sys.__stderr__.fileno() if sys.__stderr__ is not None else 2
    except (AttributeError, OSError, ValueError):
        yield
        return
    with _stderr_lock:
        saved = os.dup(fd)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)
            os.close(devnull)
