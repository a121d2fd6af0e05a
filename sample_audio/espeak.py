"""Speech synthesis with the espeak-ng command-line tool.

One concern: text + voice parameters in, a clean mono float32 signal out at
the requested sample rate (resampled with soxr, telephone band-limited,
leading and trailing silence trimmed). Level is set later by the mixer.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from xml.sax.saxutils import escape

import numpy as np

ESPEAK = "espeak-ng"
# espeak-ng -s accepts 80..450 words per minute.
MIN_SPEED, MAX_SPEED = 80, 450
TELEPHONE_BAND_HZ = (300.0, 3400.0)
# A frame is speech when its RMS is within this many dB of the loudest frame.
_TRIM_FLOOR_DB = 45.0
_TRIM_FRAME_S = 0.005


class EspeakUnavailableError(RuntimeError):
    """espeak-ng is not installed (not on PATH)."""


def espeak_available() -> bool:
    return shutil.which(ESPEAK) is not None


def pitch_range_to_ssml(pitch_range: int) -> str:
    """Map our 0..100 pitch range (50 = the voice's own range) to an SSML range.

    espeak-ng scales the voice's pitch range by ``<prosody range="N%">``;
    it saturates at 200 %, so 100 is the widest range espeak-ng can make.
    """
    return f"{2 * int(pitch_range)}%"


def band_limit(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """Zero-phase telephone band-pass (300-3400 Hz), so timing is unchanged."""
    from scipy.signal import butter, sosfiltfilt

    lo, hi = TELEPHONE_BAND_HZ
    hi = min(hi, 0.45 * sample_rate)
    sos = butter(4, [lo, hi], btype="bandpass", fs=sample_rate, output="sos")
    return sosfiltfilt(sos, x).astype(np.float32)


def trim_silence(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """Cut leading and trailing silence (frames 45 dB below the loudest)."""
    frame = max(1, round(_TRIM_FRAME_S * sample_rate))
    n_frames = len(x) // frame
    if n_frames == 0:
        return x
    rms = np.sqrt(np.mean(x[: n_frames * frame].reshape(n_frames, frame) ** 2, axis=1) + 1e-20)
    active = np.flatnonzero(20 * np.log10(rms / rms.max()) > -_TRIM_FLOOR_DB)
    return x[active[0] * frame : (active[-1] + 1) * frame]


@functools.lru_cache(maxsize=256)
def synthesize(
    text: str, voice: str, speed: int, pitch: int, pitch_range: int, sample_rate: int
) -> np.ndarray:
    """Speech for ``text`` at ``sample_rate``: band-limited, trimmed, peak-normalised.

    Cached: the calls library reuses the same turns in many variants.
    """
    import soundfile as sf
    import soxr

    if not espeak_available():
        raise EspeakUnavailableError(f"{ESPEAK} is not on PATH; install the espeak-ng package")
    speed = int(min(MAX_SPEED, max(MIN_SPEED, speed)))
    prosody = f'<prosody range="{pitch_range_to_ssml(pitch_range)}">{escape(text)}</prosody>'
    ssml = f"<speak>{prosody}</speak>"
    cmd = [ESPEAK, "-m", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", ssml]
    proc = subprocess.run(cmd, capture_output=True, check=False, timeout=120)
    if proc.returncode != 0 or len(proc.stdout) <= 44:
        raise RuntimeError(f"espeak-ng failed for voice {voice!r}: {proc.stderr.decode()[:300]}")
    audio, native_sr = sf.read(io.BytesIO(proc.stdout), dtype="float32")
    if audio.ndim > 1:
        audio = audio.mean(axis=1)
    if native_sr != sample_rate:
        audio = soxr.resample(audio, native_sr, sample_rate, quality="HQ").astype(np.float32)
    audio = trim_silence(band_limit(audio, sample_rate), sample_rate)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak <= 0.0:
        raise RuntimeError(f"espeak-ng produced silence for {text[:40]!r}")
    out = audio / peak
    out.setflags(write=False)  # shared through the cache
    return out
