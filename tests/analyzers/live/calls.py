"""Real-voice calls with known truth for the live cues, built once per test session.

The agent is Asterisk's recorded prompts, the customer a LibriVox reader
(sample_audio.realcalls); each call places one condition at a known time.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from sample_audio.realcalls import (
    RealCallSpec,
    RealCallTruth,
    RealUtterance,
    available,
    build_real_call,
    missing_corpora,
)

needs_corpora = pytest.mark.skipif(
    not available(), reason="apt-get install " + " ".join(missing_corpora())
)

CUSTOMER = tuple(
    f"librivox:sense_and_sensibility_01_austen_64kb-{n:04d}" for n in (870, 880, 890, 920, 930)
)


def say(party: str, source: str, gap_s: float = 0.8, style: str = "normal") -> RealUtterance:
    return RealUtterance(party=party, source=source, gap_before_s=gap_s, style=style)  # type: ignore[arg-type]


def agent(name: str, gap_s: float = 0.8, style: str = "normal") -> RealUtterance:
    return say("agent", f"asterisk:{name}", gap_s, style)


def customer(k: int, gap_s: float = 0.8) -> RealUtterance:
    return say("customer", CUSTOMER[k % len(CUSTOMER)], gap_s)


# name -> utterances; each call starts at the answer (no ringback) after 0.5 s.
SCRIPTS: dict[str, list[RealUtterance]] = {
    # 9 s of silence after a prompt that announces nothing.
    "dead_air": [
        agent("hello", 0.5),
        customer(0),
        agent("vm-sorry"),
        agent("queue-youarenext", 9.0),
        customer(1),
        agent("auth-thankyou"),
    ],
    # 9 s of silence after "One moment, please."
    "announced": [
        agent("hello", 0.5),
        customer(0),
        agent("one-moment-please"),
        agent("queue-youarenext", 9.0),
        customer(1),
        agent("auth-thankyou"),
    ],
}


@functools.cache
def real_call(name: str) -> tuple[np.ndarray, int, RealCallTruth]:
    """(audio (2, n) float32 read-only, agent channel 0, sample rate, truth)."""
    spec = RealCallSpec(name=name, country=None, utterances=SCRIPTS[name], seed=1)
    audio, sr, truth = build_real_call(spec)
    audio.setflags(write=False)
    return audio, sr, truth
