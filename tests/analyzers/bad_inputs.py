"""A corpus of bad recordings, built at test time: what uploads really look like when
they go wrong (cut off, mislabelled, not audio at all, impossible headers).

Each case says what a correct outcome is:

- ``error``: a typed one-line error (never a report).
- ``report_or_error``: either; a report from a cut-off file must carry a ``truncated``
  warning when ``needs_warning`` (the header states the full length).
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"

# Cut points: inside headers, at their edges, and through the audio.
_CUT_BYTES = (1, 4, 11, 12, 36, 44, 45, 60, 100, 300, 1000, 3000)
_CUT_FRACTIONS = (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)
_FORMATS = {
    "wav": ("WAV", "PCM_16"),
    "float.wav": ("WAV", "FLOAT"),
    "flac": ("FLAC", "PCM_16"),
    "mp3": ("MP3", "MPEG_LAYER_III"),
    "ogg": ("OGG", "VORBIS"),
    "opus": ("OGG", "OPUS"),
}
# Formats whose header states the length, so a cut-off copy must say "truncated".
_LENGTH_IN_HEADER = {"wav", "float.wav", "flac"}


@dataclass(frozen=True)
class BadInput:
    path: Path
    expect: str  # "error" or "report_or_error"
    needs_warning: bool = False

    @property
    def id(self) -> str:
        return self.path.name


def speech(seconds: float = 12.0) -> tuple[np.ndarray, int]:
    """(n, 2) float32 of a real-voice call: ``seconds`` of the sample call from its answer."""
    data, rate = sf.read(SAMPLES / "good_call.wav", dtype="float32", always_2d=True)
    answered = 12 * rate
    return data[answered : answered + int(seconds * rate)], rate


def encoded(fmt: str, data: np.ndarray, rate: int) -> bytes:
    container, subtype = _FORMATS[fmt]
    buffer = io.BytesIO()
    sf.write(buffer, data, rate, format=container, subtype=subtype)
    return buffer.getvalue()


def build_corpus(directory: Path) -> list[BadInput]:
    directory.mkdir(parents=True, exist_ok=True)
    cases: list[BadInput] = []

    def add(name: str, payload: bytes, expect: str, needs_warning: bool = False) -> None:
        path = directory / name
        path.write_bytes(payload)
        cases.append(BadInput(path, expect, needs_warning))

    data, rate = speech()
    for fmt in _FORMATS:
        whole = encoded(fmt, data, rate)
        ext = fmt.split(".")[-1]
        cuts = sorted({*_CUT_BYTES, *(int(f * len(whole)) for f in _CUT_FRACTIONS)})
        for cut in cuts:
            if cut < len(whole):
                # A cut past the header of a format that states its length must warn.
                add(
                    f"cut{cut}_{fmt.replace('.', '_')}.{ext}",
                    whole[:cut],
                    "report_or_error",
                    needs_warning=fmt in _LENGTH_IN_HEADER,
                )
    _add_headers(add, data, rate)
    _add_not_audio(add)
    return cases


def _add_headers(add, data: np.ndarray, rate: int) -> None:  # type: ignore[no-untyped-def]
    wav = encoded("wav", data, rate)
    for odd_rate in (1, 100, 4000, 200_000, 384_000):
        add(f"rate{odd_rate}.wav", _patched_rate(wav, odd_rate), "error")
    for channels in (0, 3, 8):
        add(f"channels{channels}.wav", _patched_channels(wav, channels), "error")
    for channels in (3, 8):
        many = np.tile(data[:, :1], (1, channels))
        add(f"real{channels}ch.flac", encoded("flac", many, rate), "error")
    add("datasize0.wav", wav[:40] + struct.pack("<I", 0) + wav[44:], "report_or_error")
    add("blockalign0.wav", wav[:32] + struct.pack("<H", 0) + wav[34:], "report_or_error")
    add("fmt_bits3.wav", wav[:34] + struct.pack("<H", 3) + wav[36:], "report_or_error")
    add("riff_then_flac.wav", wav[:12] + encoded("flac", data, rate)[:20000], "error")
    add("flac_magic_wav_body.flac", b"fLaC" + wav[4:], "error")
    id3 = b"ID3\x03\x00\x00\x00\x00\x00\x10" + bytes(16)
    add("id3_then_noise.mp3", id3 + _noise(40_000), "error")
    for name, values in (("nan", np.nan), ("inf", np.inf), ("neginf", -np.inf)):
        bad = data.copy()
        bad[len(bad) // 2 :: 997, 0] = values
        add(f"{name}.float.wav", encoded("float.wav", bad, rate), "error")
    everything_nan = np.full_like(data, np.nan)
    add("allnan.float.wav", encoded("float.wav", everything_nan, rate), "error")
    add("silence.wav", encoded("wav", np.zeros_like(data), rate), "report_or_error", True)
    add("noise_pcm.wav", _riff_header(rate, 2, 16, 400_000) + _noise(400_000), "report_or_error")


def _add_not_audio(add) -> None:  # type: ignore[no-untyped-def]
    text = "Customer called about the invoice. Agent promised a call back.\n" * 40
    html = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body></body></html>"
    payloads = {
        "utf16": text.encode("utf-16"),
        "utf8": text.encode(),
        "html": html.encode(),
        "json": json.dumps({"error": "recording not found", "code": 404}).encode(),
        "xml": b'<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>',
    }
    for ext in ("wav", "mp3", "ogg", "flac", "opus", "m4a"):
        for kind, payload in payloads.items():
            add(f"{kind}_as.{ext}", payload, "error")
        add(f"zero.{ext}", b"", "error")
        for size in (1, 10, 100, 1000, 10_000, 100_000, 400_000):
            add(f"random{size}.{ext}", _noise(size, seed=size), "error")


def _noise(n: int, seed: int = 0) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


def _riff_header(rate: int, channels: int, bits: int, data_bytes: int) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def _patched_rate(wav: bytes, rate: int) -> bytes:
    return wav[:24] + struct.pack("<I", rate) + wav[28:]


def _patched_channels(wav: bytes, channels: int) -> bytes:
    return wav[:22] + struct.pack("<H", channels) + wav[24:]
