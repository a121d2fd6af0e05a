"""What a telephone line does to audio: real codec round trips, hum, DC, noise.

Codecs are the real ones: G.711 through libsndfile, GSM 06.10 through sox, and
AMR-NB, Opus, G.723.1 and G.726 through the FFmpeg libraries bundled in PyAV.
Each round trip returns audio aligned with its input (the codec's delay,
measured once on noise, is removed) and of the same length.
"""

from __future__ import annotations

import functools
import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

LINE_RATE = 8000
# name -> (PyAV encoder, container, bit rate); G.711 and GSM are handled apart.
_AV_CODECS: dict[str, tuple[str, str, int]] = {
    "amr_nb_12k2": ("libopencore_amrnb", "amr", 12200),
    "amr_nb_4k75": ("libopencore_amrnb", "amr", 4750),
    "opus_12k": ("libopus", "ogg", 12000),
    "g723_1": ("g723_1", "g723_1", 6300),
    "g726_32k": ("g726", "wav", 32000),
}
CODECS: tuple[str, ...] = ("ulaw", "alaw", "gsm", *_AV_CODECS)


def codec_round_trip(x: np.ndarray, codec: str) -> np.ndarray:
    """``x`` (mono float, 8 kHz) encoded and decoded by ``codec``, aligned, same length."""
    if codec not in CODECS:
        raise ValueError(f"unknown codec {codec!r}; known: {CODECS}")
    y = _raw_round_trip(np.asarray(x, dtype=np.float32), codec)
    lag = _codec_delay(codec)
    y = y[lag : lag + len(x)]
    return np.concatenate([y, np.zeros(len(x) - len(y), np.float32)]).astype(np.float32)


@functools.cache
def _codec_delay(codec: str) -> int:
    """The codec's delay in samples, from the cross-correlation peak on speech-band noise."""
    rng = np.random.default_rng(0)
    probe = (0.05 * rng.standard_normal(LINE_RATE)).astype(np.float32)
    y = _raw_round_trip(probe, codec)
    corr = np.correlate(y[: len(probe) + 800], probe[: LINE_RATE // 2], mode="valid")
    return int(np.argmax(np.abs(corr[:800])))


def _raw_round_trip(x: np.ndarray, codec: str) -> np.ndarray:
    if codec in ("ulaw", "alaw"):
        buffer = io.BytesIO()
        sf.write(buffer, x, LINE_RATE, subtype=codec.upper(), format="WAV")
        buffer.seek(0)
        return sf.read(buffer, dtype="float32")[0]
    if codec == "gsm":
        return _sox_gsm(x)
    return _av_round_trip(x, *_AV_CODECS[codec])


def _sox_gsm(x: np.ndarray) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        src, gsm, out = (Path(tmp) / name for name in ("in.wav", "line.gsm", "out.wav"))
        sf.write(src, x, LINE_RATE, subtype="PCM_16")
        subprocess.run(["sox", "-q", str(src), str(gsm)], check=True)
        subprocess.run(["sox", "-q", str(gsm), "-b", "16", str(out)], check=True)
        return sf.read(out, dtype="float32")[0]


def _av_round_trip(x: np.ndarray, encoder_name: str, container: str, bit_rate: int) -> np.ndarray:
    """Encode into ``container`` in memory, then decode it back to float32 at 8 kHz."""
    import av

    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(encoder_name, rate=LINE_RATE)
        stream.layout, stream.format, stream.bit_rate = "mono", "s16", bit_rate
        size = 960
        for first in range(0, len(pcm), size):
            frame = av.AudioFrame.from_ndarray(
                pcm[None, first : first + size], format="s16", layout="mono"
            )
            frame.sample_rate, frame.pts = LINE_RATE, first
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    buffer.seek(0)
    to_line = av.AudioResampler(format="flt", layout="mono", rate=LINE_RATE)
    decoded: list[np.ndarray] = []
    with av.open(buffer, format=container) as source:
        for frame in source.decode(audio=0):
            decoded.extend(f.to_ndarray().reshape(-1) for f in to_line.resample(frame))
    decoded.extend(f.to_ndarray().reshape(-1) for f in to_line.resample(None))
    return np.concatenate(decoded).astype(np.float32)


def mains_hum(
    n: int, mains_hz: float, dbov: float, sample_rate: int = LINE_RATE, harmonics: int = 8
) -> np.ndarray:
    """Mains hum: the fundamental and its harmonics falling off by 6 dB per octave."""
    t = np.arange(n) / sample_rate
    hum = sum(
        np.sin(2 * np.pi * k * mains_hz * t + k) / k
        for k in range(1, harmonics + 1)
        if k * mains_hz < sample_rate / 2
    )
    hum = np.asarray(hum)
    return (hum / np.sqrt(np.mean(hum**2)) * 10 ** (dbov / 20)).astype(np.float32)


def pink_noise(n: int, dbov: float, seed: int = 0, sample_rate: int = LINE_RATE) -> np.ndarray:
    """1/f noise at an RMS level of ``dbov``."""
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / sample_rate)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0
    pink = np.fft.irfft(spectrum, n)
    return (pink / np.sqrt(np.mean(pink**2)) * 10 ** (dbov / 20)).astype(np.float32)
