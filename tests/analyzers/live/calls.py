"""Calls with known truth for the live cues, streamed once per test session.

Real voices (sample_audio.realcalls): the agent is Asterisk's recorded prompts (Allison
Smith), the customer a LibriVox reader; each call places its condition at a known time
(the truth comes from the builder). The monotone call is espeak-ng's flat voice (no
real recording is monotone). Words come from the real tiny.en transcriber.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pytest

from analyzers.live import Cue, LiveSession, replay
from analyzers.profile import default_profile
from analyzers.report import Word
from analyzers.spans import Span
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
PROFILE = default_profile()
SR = 8000
# The agent's name and company in the opening call (basic-pbx-ivr-main: "Thank you for
# calling Super Awesome Company, Waldo's premier provider of perfect products.").
AGENT_NAME, COMPANY = "Waldo", "Super Awesome Company"

_CUSTOMER = tuple(
    f"librivox:sense_and_sensibility_01_austen_64kb-{n:04d}" for n in (870, 880, 890, 920, 930)
)


def agent(name: str, gap_s: float = 0.8, style: str = "normal") -> RealUtterance:
    return RealUtterance(party="agent", source=f"asterisk:{name}", gap_before_s=gap_s, style=style)  # type: ignore[arg-type]


def customer(k: int, gap_s: float = 0.8) -> RealUtterance:
    return RealUtterance(party="customer", source=_CUSTOMER[k % len(_CUSTOMER)], gap_before_s=gap_s)


_OPEN = [agent("hello", 0.5), customer(1)]
_CLOSE = [customer(4), agent("auth-thankyou"), agent("goodbye", 0.3)]

# name -> utterances; each call starts at the answer (no ringback).
SCRIPTS: dict[str, list[RealUtterance]] = {
    # 9 s of silence after a prompt that announces nothing.
    "dead_air": [*_OPEN, agent("vm-sorry"), agent("queue-youarenext", 9.0), *_CLOSE],
    # 9 s of silence after "One moment, please."
    "announced": [*_OPEN, agent("one-moment-please"), agent("queue-youarenext", 9.0), *_CLOSE],
    # The agent starts 2 s before the customer's 6.5 s sentence ends; later a 0.5 s
    # overlap (a quick hand-over, not an interruption) and the customer talking over the
    # agent (not the agent's doing).
    "interrupting": [
        *_OPEN,
        agent("vm-sorry"),
        customer(0),
        agent("demo-nogo", -2.0),
        customer(3),
        agent("privacy-unident", -0.5),
        customer(2, -1.8),
        *_CLOSE,
    ],
    # Three normal agent turns, one shouted (+10 dB), one normal, one whispered (-14 dB).
    "shouting": [
        *_OPEN,
        agent("vm-nonumber"),
        customer(2),
        agent("privacy-unident"),
        customer(3),
        agent("queue-youarenext", style="shout"),
        customer(4),
        agent("speed-dial-empty"),
        customer(0),
        agent("tt-allbusy", style="whisper"),
        *_CLOSE,
    ],
    # Asterisk's fastest prompts (205-261 wpm), each after a customer sentence.
    "fast": [
        *_OPEN,
        agent("vm-nobodyavail"),
        customer(2),
        agent("conf-onlyperson"),
        agent("check-number-dial-again", 0.3),
        customer(3),
        agent("priv-introsaved"),
        agent("vm-sorry", 0.3),
        customer(0),
        agent("queue-youarenext"),
        *_CLOSE,
    ],
    # A 71 s explanation (148 wpm) after a short exchange: past the 60 s monologue limit.
    "monologue": [
        *_OPEN,
        agent("sorry-youre-having-problems"),
        customer(2),
        agent("demo-instruct"),
        *_CLOSE,
    ],
    # Greeting; after the customer's reply, the company and the agent's name (142 wpm).
    "opening": [*_OPEN, agent("basic-pbx-ivr-main"), customer(2), agent("vm-sorry"), *_CLOSE],
}


@functools.cache
def real_call(name: str) -> tuple[np.ndarray, RealCallTruth]:
    """(audio (2, n) float32 read-only, agent on channel 0, 8 kHz; truth)."""
    spec = RealCallSpec(name=name, country=None, utterances=SCRIPTS[name], seed=1)
    audio, sr, truth = build_real_call(spec)
    assert sr == SR
    audio.setflags(write=False)
    return audio, truth


def agent_spans(truth: RealCallTruth) -> list[Span]:
    return [Span(u.start_s, u.end_s) for u in truth.utterances if u.party == "agent"]


@functools.cache
def tiny_transcriber() -> Callable[[np.ndarray, int], list[Word]]:
    """The real bundled tiny.en model, as the analysis transcribes a channel's stretch."""
    from analyzers.transcribe import get_engine, transcribe_channel

    engine = get_engine("faster-whisper", "tiny.en")

    def transcribe(x: np.ndarray, sample_rate: int) -> list[Word]:
        return transcribe_channel(x, sample_rate, [Span(0.0, len(x) / sample_rate)], engine, "en")

    return transcribe


def session(**kw: object) -> LiveSession:
    return LiveSession(kw.pop("profile", PROFILE), SR, **kw)  # type: ignore[arg-type]


@functools.cache
def streamed(name: str, chunk_s: float = 0.02, words: bool = True) -> tuple[Cue, ...]:
    """Every cue of the call streamed in ``chunk_s`` chunks (with words from tiny.en)."""
    audio, _ = real_call(name)
    names = {"agent_name": AGENT_NAME, "company_names": [COMPANY]} if name == "opening" else {}
    live = session(**names)
    transcribe = tiny_transcriber() if words else None
    return tuple(replay(live, audio[0], audio[1], SR, chunk_s, transcribe))


def of(cues: tuple[Cue, ...] | list[Cue], rule: str) -> list[Cue]:
    return [c for c in cues if c.rule == rule]
