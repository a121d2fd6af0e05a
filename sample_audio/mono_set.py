"""The mono test set: real-voice stereo calls mixed down, their channels the truth.

Any stereo call mixed down to one channel keeps exact speaker turns: each
party's voice activity on its own channel. ``MONO_SET`` names the calls (the
ready-made ``REAL_CALL_RECIPES`` and a few more drawn from other seeds, with
interruptions both ways and the agent on either channel); ``mono_set_call``
builds one: the stereo samples, their mono mix and the stereo truth.
"""

from __future__ import annotations

import functools

import numpy as np

from sample_audio.realcalls import (
    REAL_CALL_RECIPES,
    RealCallSpec,
    RealCallTruth,
    build_real_call,
    compose_call,
    real_call_spec,
)

_EXTRA_SEEDS = {
    "mono_mixed_101": (101, 0),
    "mono_mixed_102": (102, 1),
    "mono_mixed_103": (103, 0),
}
MONO_SET: tuple[str, ...] = (*REAL_CALL_RECIPES, *_EXTRA_SEEDS)


def mono_set_spec(name: str, target_s: float = 60.0) -> RealCallSpec:
    """The spec of call ``name`` of ``MONO_SET`` (a longer one with ``target_s``)."""
    if name in REAL_CALL_RECIPES:
        return real_call_spec(name)
    seed, agent_channel = _EXTRA_SEEDS[name]
    return compose_call(
        name,
        seed,
        country="SE",
        target_s=target_s,
        agent_channel=agent_channel,
        agent_interruptions=1,
        customer_interruptions=1,
        unexplained_silence_s=5.5,
    )


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
