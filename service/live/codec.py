"""Stream audio encodings: G.711 mu-law and 16-bit little-endian PCM to float samples,
and the WAV header of a stored live recording (in the stream's own encoding, so the
stored file holds exactly the bytes that arrived)."""

from __future__ import annotations

import struct
from typing import Literal

import numpy as np

Encoding = Literal["pcm16", "mulaw"]

BYTES_PER_SAMPLE: dict[str, int] = {"pcm16": 2, "mulaw": 1}
SILENCE_BYTE: dict[str, bytes] = {"pcm16": b"\x00", "mulaw": b"\xff"}  # mu-law 0xFF = 0


def _mulaw_table() -> np.ndarray:
    """G.711 mu-law byte -> linear 16-bit value (the table libsndfile decodes with)."""
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
    linear = np.where(u & 0x80, 0x84 - t, t - 0x84)
    return (linear / 32768.0).astype(np.float32)


_MULAW = _mulaw_table()


def decode(payload: bytes, encoding: Encoding) -> np.ndarray:
    """float32 samples in [-1, 1]; a PCM payload must hold whole samples."""
    if encoding == "mulaw":
        return _MULAW[np.frombuffer(payload, dtype=np.uint8)]
    if len(payload) % 2:
        raise ValueError("a pcm16 payload has an even number of bytes")
    return np.frombuffer(payload, dtype="<i2").astype(np.float32) / 32768.0


def interleave(left: bytes, right: bytes, encoding: Encoding) -> bytes:
    """Two equally long channels' bytes -> interleaved stereo frames."""
    dtype = np.dtype("<i2") if encoding == "pcm16" else np.dtype(np.uint8)
    stacked = np.stack([np.frombuffer(left, dtype), np.frombuffer(right, dtype)], axis=1)
    return stacked.tobytes()


def wav_header(encoding: Encoding, sample_rate: int, channels: int, frames: int) -> bytes:
    """RIFF/WAVE header for ``frames`` frames: PCM 16-bit, or mu-law (format 7, with
    the ``fact`` chunk non-PCM WAV requires)."""
    width = BYTES_PER_SAMPLE[encoding]
    data_bytes = frames * channels * width
    block = channels * width
    if encoding == "pcm16":
        fmt = struct.pack("<HHIIHH", 1, channels, sample_rate, sample_rate * block, block, 16)
        extra = b""
    else:
        fmt = struct.pack("<HHIIHHH", 7, channels, sample_rate, sample_rate * block, block, 8, 0)
        extra = b"fact" + struct.pack("<II", 4, frames)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra
    riff_size = 4 + len(chunks) + 8 + data_bytes
    return (
        b"RIFF"
        + struct.pack("<I", riff_size)
        + b"WAVE"
        + chunks
        + b"data"
        + struct.pack("<I", data_bytes)
    )
