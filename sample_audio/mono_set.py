"""The mono test set: real-voice stereo calls mixed down, their channels the truth.

Any stereo call mixed down to one channel keeps exact speaker turns: each
party's voice activity on its own channel. ``MONO_SET`` names the calls: the
ready-made ``REAL_CALL_RECIPES`` and more drawn from other seeds, with
interruptions both ways and the agent on either channel. Four real voices take
part: Asterisk's Allison (a woman), a LibriVox reader (a man), and from
``codec2-examples`` Bruce (VE9QRP, a man on a headset); the pairs are
Allison/reader, Allison/Bruce, Bruce/reader (two men) and Bruce/Allison.
``mono_set_call`` builds one: the stereo samples, their mono mix and the
stereo truth.

``HARD_CASES`` are mixes a two-speaker split should not be sure of: one voice
on both sides (the most alike two voices can be), four 3.5-4.5 s
interruptions each way, and a call under loud line noise.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sample_audio import codec2_clips
from sample_audio.realcalls import (
    AGENT_QUIET,
    ALLISON_AND_READER,
    CUSTOMER_SENTENCES,
    REAL_CALL_RECIPES,
    Cast,
    RealCallSpec,
    RealCallTruth,
    build_real_call,
    compose_call,
    real_call_spec,
)

_BRUCE_LINES = tuple(f"codec2:ve9qrp_{n:02d}" for n in range(2, 12))
BRUCE_AS_CUSTOMER = Cast(
    ALLISON_AND_READER.opening,
    ALLISON_AND_READER.quiet,
    ALLISON_AND_READER.holding,
    ALLISON_AND_READER.announce,
    ALLISON_AND_READER.closing,
    customer=_BRUCE_LINES,
)
BRUCE_AS_AGENT = Cast(
    "codec2:ve9qrp_01",
    _BRUCE_LINES,
    _BRUCE_LINES,
    None,
    ("codec2:ve9qrp_12",),
    customer=CUSTOMER_SENTENCES,
)
BRUCE_AND_ALLISON = Cast(
    "codec2:ve9qrp_01",
    _BRUCE_LINES,
    _BRUCE_LINES,
    None,
    ("codec2:ve9qrp_12",),
    customer=AGENT_QUIET,
)
# One voice (Allison) on both sides: nothing tells the parties apart but the lines.
# The customer's lines are other prompts of hers, none said twice in a call (a
# clip heard twice would let a voice model tell the two copies by their words).
_ALLISON_CUSTOMER_LINES = tuple(
    f"asterisk:{name}"
    for name in (
        "vm-record-prepend",
        "vm-intro",
        "agent-alreadyon",
        "vm-invalid-password",
        "vm-rec-temp",
        "demo-thanks",
        "vm-rec-unv",
        "agent-incorrect",
        "confbridge-pin",
        "vm-nobox",
        "pbx-invalidpark",
        "ss-noservice",
        "vm-mismatch",
        "vm-rec-busy",
        "auth-incorrect",
        "pbx-invalid",
        "vm-tmpexists",
        "vm-rec-name",
        "vm-mailboxfull",
        "conf-invalid",
        "privacy-prompt",
        "vm-newpassword",
    )
)
ALLISON_TWICE = Cast(
    ALLISON_AND_READER.opening,
    ALLISON_AND_READER.quiet,
    ALLISON_AND_READER.holding,
    ALLISON_AND_READER.announce,
    ALLISON_AND_READER.closing,
    customer=_ALLISON_CUSTOMER_LINES,
)


@dataclass(frozen=True)
class _Mix:
    seed: int
    agent_channel: int
    cast: Cast = ALLISON_AND_READER
    interruptions: tuple[int, int] = (1, 1)  # by the agent, by the customer
    noise_dbov: float | None = None  # line noise; None = the spec's default
    overlap_s: tuple[float, float] = (1.6, 2.4)  # how long an interruption talks over


_EXTRA: dict[str, _Mix] = {
    "mono_mixed_101": _Mix(101, 0),
    "mono_mixed_102": _Mix(102, 1),
    "mono_mixed_103": _Mix(103, 0),
    "mono_bruce_customer": _Mix(104, 1, BRUCE_AS_CUSTOMER),
    "mono_bruce_agent": _Mix(105, 0, BRUCE_AS_AGENT),
    "mono_bruce_allison": _Mix(106, 1, BRUCE_AND_ALLISON),
}
_HARD: dict[str, _Mix] = {
    "hard_same_voice": _Mix(201, 0, ALLISON_TWICE),
    "hard_overlap": _Mix(202, 0, interruptions=(4, 4), overlap_s=(3.5, 4.5)),
    "hard_noise": _Mix(203, 1, noise_dbov=-40.0),
}
MONO_SET: tuple[str, ...] = (*REAL_CALL_RECIPES, *_EXTRA)
HARD_CASES: tuple[str, ...] = tuple(_HARD)
_CODEC2_CASTS = (BRUCE_AS_CUSTOMER, BRUCE_AS_AGENT, BRUCE_AND_ALLISON)


def needs_codec2(name: str) -> bool:
    """Whether call ``name`` uses voices of ``codec2-examples``."""
    mix = _EXTRA.get(name) or _HARD.get(name)
    return mix is not None and mix.cast in _CODEC2_CASTS


def missing_for(name: str) -> list[str]:
    """The Debian packages call ``name`` needs that are not installed."""
    from sample_audio.realcalls import missing_corpora

    missing = missing_corpora()
    if needs_codec2(name) and not codec2_clips.available():
        missing.append(codec2_clips.CODEC2_PACKAGE)
    return missing


def mono_set_spec(name: str, target_s: float = 60.0) -> RealCallSpec:
    """The spec of call ``name`` of ``MONO_SET`` or ``HARD_CASES`` (longer with ``target_s``)."""
    if name in REAL_CALL_RECIPES:
        return real_call_spec(name)
    mix = _EXTRA.get(name) or _HARD[name]
    spec = compose_call(
        name,
        mix.seed,
        country="SE",
        target_s=target_s,
        agent_channel=mix.agent_channel,
        agent_interruptions=mix.interruptions[0],
        customer_interruptions=mix.interruptions[1],
        unexplained_silence_s=5.5,
        cast=mix.cast,
        overlap_s=mix.overlap_s,
    )
    if mix.noise_dbov is not None:
        spec = spec.model_copy(update={"noise_dbov": mix.noise_dbov})
    return spec


@functools.cache
def mono_set_call(
    name: str, target_s: float = 60.0
) -> tuple[np.ndarray, np.ndarray, int, RealCallTruth]:
    """(stereo (2, n), mono mix (1, n), sample rate, truth), read-only arrays."""
    stereo, sample_rate, truth = build_real_call(mono_set_spec(name, target_s))
    mono = stereo.mean(axis=0, keepdims=True).astype(np.float32)
    stereo.setflags(write=False)
    mono.setflags(write=False)
    return stereo, mono, sample_rate, truth


@functools.cache
def customer_first_call(name: str) -> tuple[np.ndarray, np.ndarray, int, RealCallTruth]:
    """Call ``name`` without the agent's opening line: the customer speaks first and
    the agent never greets (``mono_set_call``'s arrays)."""
    spec = mono_set_spec(name)
    spec = spec.model_copy(
        update={"name": f"{name}_customer_first", "utterances": spec.utterances[1:]}
    )
    stereo, sample_rate, truth = build_real_call(spec)
    mono = stereo.mean(axis=0, keepdims=True).astype(np.float32)
    stereo.setflags(write=False)
    mono.setflags(write=False)
    return stereo, mono, sample_rate, truth
