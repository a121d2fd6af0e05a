"""Real-conditions test material: one real-voice call through the telephone network.

The call is ``sample_audio.realcalls``' (Asterisk prompts for the agent, LibriVox for
the customer, placed at known times, with its truth). ``line_condition`` passes both
channels through a codec (G.711 mu-law, GSM 06.10, AMR-NB, Opus at 8 or 16 kbit/s),
packet loss with concealment, or white noise at 15 dB SNR; ``hold_call`` is the
issue-10 case (the agent says "Please hold while we try to connect you", then 40 s of
Asterisk music on hold play on the agent's channel); ``with_key_presses`` puts DTMF
presses on the customer's channel during a silence.

GSM 06.10 comes from sox (libgsm); the others from ``sample_audio.nonspeech`` (FFmpeg
via PyAV). A fuller line simulator may replace this module (see the lead's notes).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from analyzers.profile import default_profile
from analyzers.report import Report
from sample_audio.nonspeech import SAMPLE_RATE, codec_round_trip, key_presses, moh, with_noise
from sample_audio.realcalls import RealCallTruth, build_real_call, compose_call

Condition = Literal[
    "clean", "g711", "gsm", "amr_nb", "opus_8k", "opus_16k", "packet_loss", "noise_15db"
]
CONDITIONS: tuple[Condition, ...] = (
    "clean",
    "g711",
    "gsm",
    "amr_nb",
    "opus_8k",
    "opus_16k",
    "packet_loss",
    "noise_15db",
)
PACKET_S = 0.02  # one RTP packet of speech
PACKET_LOSS = 0.03  # 3 % of packets lost, in bursts of 1-3
HOLD_MUSIC = ("macroform-robot_dity", 60.0)  # track, offset: continuous music for 40 s


def line_condition(
    x: np.ndarray, condition: Condition, seed: int = 0, speech_power: float | None = None
) -> np.ndarray:
    """One channel (1-D, 8 kHz) as it arrives through ``condition``; the noise is
    ``speech_power`` (the channel's speech, mean square) less 15 dB where given."""
    if condition == "clean":
        return x
    if condition == "g711":
        return codec_round_trip(x, "ulaw")
    if condition == "amr_nb":
        return codec_round_trip(x, "amr_nb")
    if condition == "gsm":
        return gsm_round_trip(x)
    if condition in ("opus_8k", "opus_16k"):
        return opus_round_trip(x, 8000 if condition == "opus_8k" else 16000)
    if condition == "packet_loss":
        return packet_loss(x, PACKET_LOSS, seed)
    if not np.any(np.abs(x) > 1e-4):
        return x  # a silent channel has no level to be 15 dB below
    return with_noise(x, 15.0, seed, reference_power=speech_power)


def gsm_round_trip(x: np.ndarray) -> np.ndarray:
    """``x`` through GSM 06.10 full rate (13 kbit/s) with sox."""
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
    raw = ["-t", "raw", "-r", str(SAMPLE_RATE), "-e", "signed", "-b", "16", "-c", "1"]
    with tempfile.TemporaryDirectory() as tmp:
        src, coded, back = Path(tmp, "in.raw"), Path(tmp, "x.gsm"), Path(tmp, "out.raw")
        src.write_bytes(pcm.tobytes())
        subprocess.run(["sox", *raw, str(src), str(coded)], check=True, capture_output=True)
        subprocess.run(["sox", str(coded), *raw, str(back)], check=True, capture_output=True)
        y = np.frombuffer(back.read_bytes(), dtype="<i2").astype(np.float32) / 32768.0
    out = np.zeros(len(x), dtype=np.float32)
    out[: min(len(x), len(y))] = y[: len(x)]
    return out


def opus_round_trip(x: np.ndarray, bit_rate: int) -> np.ndarray:
    """``x`` through Opus at ``bit_rate`` bit/s (libopus via PyAV), delay removed."""
    import io

    import av
    import soxr

    from sample_audio.nonspeech import aligned

    rate = 48000
    pcm = soxr.resample(np.clip(x, -1, 1), SAMPLE_RATE, rate)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=rate)
        stream.layout = "mono"
        stream.bit_rate = bit_rate
        frame = av.AudioFrame.from_ndarray(
            (pcm * 32767).astype(np.int16)[np.newaxis, :], format="s16", layout="mono"
        )
        frame.rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    buffer.seek(0)
    with av.open(buffer) as decoded:
        y = np.concatenate([f.to_ndarray().reshape(-1) for f in decoded.decode(audio=0)])
    y = y.astype(np.float32)
    if np.abs(y).max() > 2:
        y = y / 32768.0
    return aligned(soxr.resample(y, rate, SAMPLE_RATE).astype(np.float32), x)


def packet_loss(x: np.ndarray, loss: float, seed: int = 0) -> np.ndarray:
    """``x`` with ``loss`` of its 20 ms packets lost (bursts of 1-3) and concealed.

    Concealment as a simple receiver does it: the last good packet repeated, fading
    by 6 dB per repeat (G.711 Appendix I style, without its pitch search).
    """
    rng = np.random.default_rng(seed)
    n = round(PACKET_S * SAMPLE_RATE)
    packets = len(x) // n
    lost = np.zeros(packets, dtype=bool)
    i = 0
    while i < packets:
        if rng.random() < loss / 2:
            burst = int(rng.integers(1, 4))
            lost[i : i + burst] = True
            i += burst
        i += 1
    return conceal(x, lost)


def conceal(x: np.ndarray, lost: np.ndarray) -> np.ndarray:
    """``x`` with the 20 ms packets marked in ``lost`` concealed as ``packet_loss`` does."""
    n = round(PACKET_S * SAMPLE_RATE)
    y = np.array(x, dtype=np.float32, copy=True)
    repeat = 0
    for p in np.flatnonzero(lost):
        repeat = repeat + 1 if p > 0 and lost[p - 1] else 1
        last = y[(p - repeat) * n : (p - repeat + 1) * n] if p >= repeat else np.zeros(n)
        y[p * n : (p + 1) * n] = last * 0.5**repeat
    return y


def through(
    audio: np.ndarray, condition: Condition, speech_powers: Sequence[float | None] = (None, None)
) -> np.ndarray:
    """Both channels of a call through ``condition`` (each with its own loss/noise, the
    noise set against that channel's speech where ``speech_powers`` gives it)."""
    return np.stack(
        [
            line_condition(ch, condition, seed=i, speech_power=speech_powers[i])
            for i, ch in enumerate(audio)
        ]
    ).astype(np.float32)


@dataclass(frozen=True)
class HoldCall:
    audio: np.ndarray  # (2, n) at 8 kHz
    truth: RealCallTruth  # the speech's truth: music is neither speech nor silence
    hold: tuple[float, float]  # where the music plays, on the agent's channel


def hold_call(seed: int = 11, music_s: float = 40.0) -> HoldCall:
    """The issue-10 call: "Please hold while we try to connect you", 40 s of music.

    A realcalls call whose announced silence (after the agent's announcement, here
    replaced by Asterisk's "pls-hold-while-try") is ``music_s`` + 2 s long; the music
    starts 1 s after the announcement's speech ends, at -22 dBov, on the agent's line.
    """
    spec = compose_call(
        "real_music_on_hold",
        seed,
        country="SE",
        rings=2,
        announced_silence_s=music_s + 2.0,
        description="the agent puts the customer on hold: 40 s of real music on hold",
    )
    utterances = [
        u.model_copy(update={"source": "asterisk:pls-hold-while-try"})
        if u.source == "asterisk:one-moment-please"
        else u
        for u in spec.utterances
    ]
    audio, _, truth = build_real_call(spec.model_copy(update={"utterances": utterances}))
    said = next(u for u in truth.utterances if u.source == "asterisk:pls-hold-while-try")
    start = said.end_s + 1.0
    a = round(start * SAMPLE_RATE)
    track, offset = HOLD_MUSIC
    music = moh(track, offset, music_s)
    audio = np.array(audio, copy=True)
    audio[truth.agent_channel, a : a + len(music)] += music[: audio.shape[1] - a]
    return HoldCall(audio, truth, (start, start + music_s))


def with_key_presses(audio: np.ndarray, channel: int, at_s: float, keys: np.ndarray) -> np.ndarray:
    """``audio`` with the DTMF signal ``keys`` added to ``channel`` from ``at_s``."""
    out = np.array(audio, copy=True)
    a = round(at_s * SAMPLE_RATE)
    out[channel, a : a + len(keys)] += keys[: out.shape[1] - a]
    return out


# --- metric error against the truth ------------------------------------------------

# The tolerances (point 5); talk time and monologue for the hold case.
TOLERANCES: dict[str, float] = {
    "rings": 0.0,
    "agent_wpm_rel": 0.07,
    "agent_pitch_sd_st": 0.35,
    "silence_edge_s": 0.4,
    "silence_count": 0.0,
    "loudness_flags": 0.0,
    "interruptions": 0.0,
    "agent_talk_s": 1.0,
    "agent_monologue_s": 1.0,
}


def metric_errors(
    report: Report,
    truth: RealCallTruth,
    clean: Report,
    hold: tuple[float, float] | None = None,
) -> dict[str, float | None]:
    """Each metric's error on ``report`` (None: not measured, e.g. wpm without words).

    Against the truth: rings, agent wpm (relative, to the turn-time wpm the pipeline
    rates), agent talk time and longest monologue, silences of 3 s or more (the
    worst edge error; the count difference), interruptions (count difference). Against
    the ``clean`` analysis of the same call (itself checked against Praat and the
    truth in tests/analyzers/test_real_speech.py): the agent's pitch spread, and the
    loudness findings (the number that differ). A silence containing ``hold`` is not
    a silence: the music fills it.
    """
    agent, want = report.parties.agent, truth.parties["agent"]
    clean_agent = clean.parties.agent
    expected = [
        s
        for s in truth.silences
        if s.duration_s >= 3.0 and not (hold and s.start_s <= hold[0] and s.end_s >= hold[1])
    ]
    found = [s for s in report.silences if s.duration_s >= 3.0]
    edges = [
        max(abs(g.start_s - w.start_s), abs(g.end_s - w.end_s))
        for g, w in zip(found, expected, strict=False)
    ]
    min_overlap = default_profile().interruption.min_overlap_s
    interruptions = [i for i in truth.interruptions if i.duration_s >= min_overlap]
    return {
        "rings": _diff(report.pickup.rings, truth.rings),
        "agent_wpm_rel": _rel(agent.wpm if agent else None, want.turn_wpm),
        "agent_pitch_sd_st": _diff(
            agent.pitch_sd_semitones if agent else None,
            clean_agent.pitch_sd_semitones if clean_agent else None,
        ),
        "silence_edge_s": max(edges, default=0.0),
        "silence_count": float(len(found) - len(expected)),
        "loudness_flags": float(len(_loudness_flags(report) ^ _loudness_flags(clean))),
        "interruptions": float(len(report.interruptions) - len(interruptions)),
        "agent_talk_s": _diff(agent.talk_time_s if agent else None, want.talk_time_s),
        "agent_monologue_s": _diff(
            agent.longest_monologue_s if agent else None, want.longest_monologue_s
        ),
    }


def out_of_tolerance(errors: dict[str, float | None]) -> dict[str, float]:
    """The measured errors beyond their tolerance."""
    return {k: v for k, v in errors.items() if v is not None and abs(v) > TOLERANCES[k] + 1e-9}


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 3)


def _rel(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b - 1, 4)


def _loudness_flags(report: Report) -> set[tuple[str, int]]:
    # A flag by its kind and the second it starts in (edges move a little per codec).
    return {(f.severity, round(f.start_s or 0.0)) for f in report.findings if f.rule == "loudness"}


@dataclass(frozen=True)
class ConditionCall:
    name: str
    audio: np.ndarray  # (2, n) at 8 kHz, clean
    truth: RealCallTruth
    hold: tuple[float, float] | None = None  # music on the agent's line
    presses: tuple[tuple[float, float], ...] = ()  # DTMF on the customer's line

    def speech_powers(self) -> tuple[float | None, float | None]:
        """Each channel's speech level (mean square of its active samples outside the
        music and key presses): "15 dB SNR" is the speech's, as in ITU-T P.56 practice,
        not that of louder music on hold."""
        return (self._speech_power(0), self._speech_power(1))

    def _speech_power(self, channel: int) -> float | None:
        x = self.audio[channel]
        keep = np.abs(x) > 1e-4
        for a, b in [*([self.hold] if self.hold else []), *self.presses]:
            keep[round(a * SAMPLE_RATE) : round(b * SAMPLE_RATE)] = False
        return float(np.mean(np.square(x[keep], dtype=np.float64))) if keep.any() else None


def condition_calls() -> list[ConditionCall]:
    """The calls every condition is applied to: the hold call, and a real call with two
    agent interruptions, a 5.5 s unexplained silence (in which the customer presses
    four keys: tones, not speech, so it stays a silence) and UK ringback, 3 rings."""
    from sample_audio.realcalls import real_call_spec

    hold = hold_call()
    audio, _, truth = build_real_call(real_call_spec("real_interrupting"))
    (quiet,) = [s for s in truth.silences if s.duration_s >= 5.0]
    keys, presses = key_presses(seed=3, n=4, dbov=-22.0)
    at = quiet.start_s + 1.0
    audio = with_key_presses(audio, truth.customer_channel, at, keys)
    return [
        ConditionCall("music_on_hold", hold.audio, hold.truth, hold=hold.hold),
        ConditionCall(
            "interrupting_dtmf",
            audio,
            truth,
            presses=tuple((a + at, b + at) for a, b in presses),
        ),
    ]
