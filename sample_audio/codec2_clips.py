"""Real recorded voices from Debian's ``codec2-examples``, cut into utterances.

Voices beyond the two of ``sample_audio.realcalls`` (Asterisk's Allison, a LibriVox
reader), so the mono test set has more than two real speakers:

- ``ve9qrp``: Bruce, VE9QRP, a man (F0 about 90 Hz) talking freely for 112 s,
  recorded at 8 kHz through a USB headset (``/usr/share/codec2/wav/ve9qrp.wav``).
- ``hts``: Harvard sentences read by four speakers, two men and two women,
  two sentences each (``/usr/share/codec2/raw/hts.raw``, 8 kHz 16-bit raw).

Licence: codec2 and its sample files, LGPL-2.1 (Debian's copyright file).

Each clip names its file, where its speech is inside it (pause to pause, found by
energy) and what is said (from listening through a Whisper model, checked by
hand; spelled-out call signs as spoken). ``load_prompt("codec2:KEY")`` in
``sample_audio.realcalls`` cuts and locates the speech exactly as for the other
corpora.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

CODEC2_DIR = Path("/usr/share/codec2")
CODEC2_PACKAGE = "codec2-examples"
BRUCE_VOICE = "codec2:ve9qrp"


@dataclass(frozen=True)
class Clip:
    file: str  # under CODEC2_DIR
    start_s: float
    end_s: float
    text: str
    voice: str


def _bruce(start_s: float, end_s: float, text: str) -> Clip:
    return Clip("wav/ve9qrp.wav", start_s, end_s, text, BRUCE_VOICE)


def _hts(speaker: str, start_s: float, end_s: float, text: str) -> Clip:
    return Clip("raw/hts.raw", start_s, end_s, text, f"codec2:hts_{speaker}")


CLIPS: dict[str, Clip] = {
    "ve9qrp_01": _bruce(0.84, 5.23, "W five A B C here is Victor Echo nine Quebec Romeo Papa."),
    "ve9qrp_02": _bruce(
        6.45,
        11.97,
        "My name is Bruce, Bravo Romeo Uniform Charlie Echo. I'm located in Sackville, "
        "New Brunswick,",
    ),
    "ve9qrp_03": _bruce(
        12.84, 17.38, "which is sort of at the end of the Bay of Fundy separating Nova Scotia"
    ),
    "ve9qrp_04": _bruce(
        17.99, 21.94, "and New Brunswick on the east coast of Canada in the maritime provinces."
    ),
    "ve9qrp_05": _bruce(
        23.15,
        30.76,
        "And Sackville is a small university town. The closest large town is Moncton, "
        "New Brunswick.",
    ),
    "ve9qrp_06": _bruce(37.34, 39.94, "Weather here seems quite nice, nice fall day."),
    "ve9qrp_07": _bruce(
        40.45,
        46.80,
        "The leaves are slowly departing from us, but it's been a pleasant enough week "
        "the last little while.",
    ),
    "ve9qrp_08": _bruce(55.20, 57.01, "I'm transmitting about five watts"),
    "ve9qrp_09": _bruce(
        76.11,
        82.14,
        "And so this is sort of an interesting thing for me and for you, I guess neither "
        "of us have ever tried this.",
    ),
    "ve9qrp_10": _bruce(82.87, 87.10, "And it will be intriguing to see how it works out."),
    "ve9qrp_11": _bruce(94.34, 96.07, "Very highly compressed indeed."),
    "ve9qrp_12": _bruce(
        104.57,
        111.13,
        "and we'll see how it goes, so back to you W five A B C, here is V E nine Q R P, go ahead.",
    ),
    "hts_m1_1": _hts("m1", 0.24, 2.49, "The Navy attacked the big task force."),
    "hts_m1_2": _hts("m1", 3.24, 5.19, "The hat brim was wide and too droopy."),
    "hts_f1_1": _hts("f1", 6.24, 8.51, "These days a chicken leg is a rare dish."),
    "hts_f1_2": _hts("f1", 9.27, 11.63, "The juice of lemons makes fine punch."),
    "hts_m2_1": _hts("m2", 12.24, 14.74, "The wagon moved on well oiled wheels."),
    "hts_m2_2": _hts("m2", 15.24, 17.84, "March the soldiers past the next hill."),
    "hts_f2_1": _hts("f2", 18.23, 20.41, "Her purse was full of useless trash."),
    "hts_f2_2": _hts("f2", 21.24, 23.58, "Pick the ball straight and follow through."),
}

# Room left around a clip's speech when it is cut from its file (the neighbouring
# utterances are at least 0.35 s away; speech_bounds drops their remnants).
_CUT_MARGIN_S = 0.3


def available() -> bool:
    return (CODEC2_DIR / "wav" / "ve9qrp.wav").is_file()


def read_clip(key: str) -> tuple[Clip, np.ndarray, int]:
    """(clip, its samples with a margin around the speech, sample rate)."""
    import soundfile as sf

    clip = CLIPS[key]
    path = CODEC2_DIR / clip.file
    if path.suffix == ".raw":
        audio, rate = np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0, 8000
    else:
        audio, rate = sf.read(path, dtype="float32", always_2d=True)
        audio = audio.mean(axis=1)
    a = max(0, round((clip.start_s - _CUT_MARGIN_S) * rate))
    b = min(len(audio), round((clip.end_s + _CUT_MARGIN_S) * rate))
    return clip, audio[a:b], rate
