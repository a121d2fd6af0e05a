"""Test material for the non-speech detectors: real music on hold, codecs, line noise.

Music on hold is Asterisk's own (Debian package ``asterisk-moh-opsound-wav``, five
tracks at 8 kHz in ``MOH_DIR``); voices come from ``sample_audio.realcalls`` (Asterisk
prompts, LibriVox). ``hold_channel`` builds one channel of "speech, hold music at a
known time, speech" with its truth; ``codec_round_trip`` passes a signal through
G.711 mu-law (libsndfile), AMR-NB or Opus (FFmpeg in PyAV); ``with_noise`` adds white
noise at a signal-to-noise ratio over the signal's active samples.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from analyzers.call_tones import DTMF_HIGH_HZ, DTMF_LOW_HZ
from sample_audio.levels import active_level_dbov

MOH_DIR = Path("/usr/share/asterisk/moh")
SAMPLE_RATE = 8000
Codec = Literal["none", "ulaw", "amr_nb", "opus"]
CODECS: tuple[Codec, ...] = ("none", "ulaw", "amr_nb", "opus")


def moh_tracks() -> list[str]:
    """Names (file stems) of the installed music-on-hold tracks, sorted."""
    return sorted(p.stem for p in MOH_DIR.glob("*.wav"))


@functools.lru_cache(maxsize=8)
def _moh(name: str) -> np.ndarray:
    import soundfile as sf
    import soxr

    x, sr = sf.read(MOH_DIR / f"{name}.wav", dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    if sr != SAMPLE_RATE:
        x = soxr.resample(x, sr, SAMPLE_RATE, quality="HQ").astype(np.float32)
    x.setflags(write=False)
    return x


def moh(name: str, offset_s: float, duration_s: float, level_dbov: float = -22.0) -> np.ndarray:
    """``duration_s`` of a music-on-hold track from ``offset_s`` (looped), at a level."""
    track = _moh(name)
    a = round(offset_s * SAMPLE_RATE) % len(track)
    n = round(duration_s * SAMPLE_RATE)
    x = np.resize(np.roll(track, -a), n).astype(np.float32)
    return set_level(x, level_dbov)


def set_level(x: np.ndarray, level_dbov: float) -> np.ndarray:
    return (x * 10 ** ((level_dbov - active_level_dbov(x, SAMPLE_RATE)) / 20)).astype(np.float32)


def with_noise(
    x: np.ndarray, snr_db: float, seed: int = 0, reference_power: float | None = None
) -> np.ndarray:
    """``x`` plus white noise ``snr_db`` below ``reference_power`` (mean square), by default
    the level of its active samples."""
    power = (
        float(np.mean(np.square(x[np.abs(x) > 1e-4], dtype=np.float64)))
        if reference_power is None
        else reference_power
    )
    noise = np.random.default_rng(seed).standard_normal(len(x))
    return (x + noise * np.sqrt(power / 10 ** (snr_db / 10))).astype(np.float32)


def codec_round_trip(x: np.ndarray, codec: Codec, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """``x`` encoded and decoded again (same length and rate)."""
    if codec == "none":
        return x
    if codec == "ulaw":
        import soundfile as sf

        buffer = io.BytesIO()
        sf.write(buffer, np.clip(x, -1, 1), sample_rate, subtype="ULAW", format="WAV")
        buffer.seek(0)
        return sf.read(buffer, dtype="float32")[0]
    return _av_round_trip(x, codec, sample_rate)


def _av_round_trip(x: np.ndarray, codec: Codec, sample_rate: int) -> np.ndarray:
    import av

    container_format, encoder, rate = {"amr_nb": ("amr", "libopencore_amrnb", 8000)}.get(
        codec, ("ogg", "libopus", 48000)
    )
    buffer = io.BytesIO()
    pcm = np.clip(x, -1, 1)
    if rate != sample_rate:
        import soxr

        pcm = soxr.resample(pcm, sample_rate, rate)
    with av.open(buffer, "w", format=container_format) as out:
        stream = out.add_stream(encoder, rate=rate)
        stream.layout = "mono"
        if codec == "amr_nb":
            stream.bit_rate = 12200
        frame = av.AudioFrame.from_ndarray(
            (pcm * 32767).astype(np.int16)[np.newaxis, :], format="s16", layout="mono"
        )
        frame.rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    buffer.seek(0)
    with av.open(buffer) as decoded:
        chunks = [f.to_ndarray().reshape(-1) for f in decoded.decode(audio=0)]
    y = np.concatenate(chunks).astype(np.float32)
    if y.dtype.kind != "f" or np.abs(y).max() > 2:
        y = y / 32768.0
    if rate != sample_rate:
        import soxr

        y = soxr.resample(y, rate, sample_rate).astype(np.float32)
    # Encoders add a fixed look-ahead delay; align on the cross-correlation peak.
    return aligned(y, x)


def aligned(y: np.ndarray, reference: np.ndarray, max_lag: int = 2000) -> np.ndarray:
    from scipy.signal import correlate

    n = min(len(reference), 20 * SAMPLE_RATE, max(0, len(y) - max_lag))
    lag = 0
    if n > 0:
        lag = int(np.argmax(correlate(y[: n + max_lag], reference[:n], mode="valid")))
    out = np.zeros(len(reference), dtype=np.float32)
    piece = y[lag : lag + len(reference)]
    out[: len(piece)] = piece
    return out


@dataclass(frozen=True)
class HoldChannel:
    samples: np.ndarray
    holds: list[tuple[float, float]]  # (start_s, end_s) of the music
    speech: list[tuple[float, float]]  # (start_s, end_s) of the real speech clips


def hold_channel(
    speech_before: list[str],
    music: str,
    music_offset_s: float,
    music_s: float,
    speech_after: list[str],
    *,
    gap_s: float = 0.6,
) -> HoldChannel:
    """One channel: corpus clips (``realcalls.load_prompt`` ids), the music, more clips.

    Clips are cut to their located speech and separated by 0.3 s; ``gap_s`` of line
    silence separates speech and music (the PBX switching the line to hold).
    """
    from sample_audio.realcalls import load_prompt

    pieces: list[np.ndarray] = [np.zeros(round(0.5 * SAMPLE_RATE), np.float32)]
    speech: list[tuple[float, float]] = []
    holds: list[tuple[float, float]] = []
    t = 0.5

    def add(x: np.ndarray) -> None:
        nonlocal t
        pieces.append(x)
        t += len(x) / SAMPLE_RATE

    def add_clips(sources: list[str]) -> None:
        for source in sources:
            prompt = load_prompt(source)
            a = round(prompt.speech_start_s * SAMPLE_RATE)
            b = round(prompt.speech_end_s * SAMPLE_RATE)
            speech.append((t, t + (b - a) / SAMPLE_RATE))
            add(set_level(np.array(prompt.audio[a:b]), -22.0))
            add(np.zeros(round(0.3 * SAMPLE_RATE), np.float32))

    add_clips(speech_before)
    add(np.zeros(round(gap_s * SAMPLE_RATE), np.float32))
    holds.append((t, t + music_s))
    add(moh(music, music_offset_s, music_s))
    add(np.zeros(round(gap_s * SAMPLE_RATE), np.float32))
    add_clips(speech_after)
    return HoldChannel(np.concatenate(pieces), holds, speech)


# --- key presses ---------------------------------------------------------------------


def tone(freqs: tuple[float, ...], dur_s: float, dbov: float = -20.0) -> np.ndarray:
    """Sum of sinusoids, each at ``dbov`` (RMS re full scale)."""
    t = np.arange(round(dur_s * SAMPLE_RATE)) / SAMPLE_RATE
    amp = 10 ** (dbov / 20) * np.sqrt(2)
    return (amp * sum(np.sin(2 * np.pi * f * t) for f in freqs)).astype(np.float32)


def silence(dur_s: float) -> np.ndarray:
    return np.zeros(round(dur_s * SAMPLE_RATE), dtype=np.float32)


def key_presses(
    seed: int, n: int, twist_db: float = 0.0, dbov: float = -25.0
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """``n`` random keys, 40-150 ms each, 40-300 ms apart; their (start_s, end_s)."""
    rng = np.random.default_rng(seed)
    pieces, truth, t = [silence(0.5)], [], 0.5
    for _ in range(n):
        low = DTMF_LOW_HZ[rng.integers(4)] * (1 + rng.uniform(-0.015, 0.015))
        high = DTMF_HIGH_HZ[rng.integers(4)] * (1 + rng.uniform(-0.015, 0.015))
        dur = float(rng.uniform(0.04, 0.15))
        press = tone((low,), dur, dbov) + tone((high,), dur, dbov + twist_db)
        pause = float(rng.uniform(0.04, 0.3))
        pieces += [press, silence(pause)]
        truth.append((t, t + len(press) / SAMPLE_RATE))
        t += (len(press) + round(pause * SAMPLE_RATE)) / SAMPLE_RATE
    pieces.append(silence(0.5))
    return np.concatenate(pieces), truth
