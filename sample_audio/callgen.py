"""Synthetic two-party telephone calls with exact ground truth.

``build_call(spec)`` speaks each ``Utterance`` with espeak-ng, places it on its
party's channel, adds ringback before the answer (on the customer's = caller's
channel), light line noise and crosstalk, and returns the stereo signal plus a
``CallTruth`` that records everything built in. ``write_call`` writes
``<name>.wav`` and ``<name>.truth.json``; ``python -m sample_audio.callgen``
writes the ready-made ``SAMPLE_CALLS``.

Timeline: with a ringback country the recording starts at the first ring's
onset and the agent answers (``answered_at_s``) at the end of the last ring's
full cycle (tone plus the pause after it), i.e. just before the next ring
would have sounded. Without a country the recording starts at the answer
(``answered_at_s = 0``). The first utterance starts ``gap_before_s`` after the
answer; every other one ``gap_before_s`` after the previous utterance ends.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analyzers.ringback_plans import plan_for, synthesize_ringback
from sample_audio.espeak import (
    MAX_SPEED,
    MIN_SPEED,
    EspeakUnavailableError,
    band_limit,
    espeak_available,
    synthesize,
)
from sample_audio.levels import active_level_dbov
from sample_audio.library import COMMITTED, SAMPLE_CALLS, benchmark_call
from sample_audio.spec import (
    STYLE_GAIN_DB,
    CallSpec,
    CallTruth,
    InterruptionTruth,
    Party,
    PartyTruth,
    SilenceTruth,
    Utterance,
    UtteranceTruth,
    count_words,
)

__all__ = [
    "ANNOUNCEMENT_PHRASES",
    "SAMPLE_CALLS",
    "CallSpec",
    "CallTruth",
    "EspeakUnavailableError",
    "Utterance",
    "benchmark_call",
    "build_call",
    "count_words",
    "espeak_available",
    "interruption_truths",
    "mix_line",
    "party_truths",
    "silence_truths",
    "write_call",
]

MIN_SILENCE_S = 1.0
TAIL_S = 1.0
CROSSTALK_DELAY_S = 0.016
# Consecutive turns of one party joined into a monologue when the pause
# between them is shorter than this and the other party says nothing.
MONOLOGUE_MAX_PAUSE_S = 2.0
# Phrases with which an agent announces a pause (lower-case substrings).
ANNOUNCEMENT_PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("let me check", "one moment", "just a moment", "bear with me", "let me look"),
    "sv": ("ett ögonblick", "jag ska kolla", "jag kollar", "vänta lite", "ska se efter"),
    "nb": ("et øyeblikk", "la meg sjekke", "jeg skal sjekke", "vent litt"),
    "el": ("μια στιγμή", "ένα λεπτό", "να ελέγξω", "να το ελέγξω"),
}
_CALIBRATION_ROUNDS = 3
_CALIBRATION_TOLERANCE = 0.02
_MIN_CALIBRATION_WORDS = 4


@functools.lru_cache(maxsize=256)
def _spoken(
    text: str, voice: str, wpm: int, pitch: int, pitch_range: int, sample_rate: int
) -> tuple[np.ndarray, int, float]:
    """Speech at the target rate: espeak's -s is only approximate, so calibrate.

    Returns (peak-normalised signal, espeak speed used, its P.56 level in dBov).
    """
    words = count_words(text)
    speed = wpm
    audio = synthesize(text, voice, speed, pitch, pitch_range, sample_rate)
    # A rate over one or two words is meaningless; speed those up and they sound odd.
    rounds = _CALIBRATION_ROUNDS if words >= _MIN_CALIBRATION_WORDS else 0
    for _ in range(rounds):
        actual = words / (len(audio) / sample_rate) * 60.0
        if abs(actual / wpm - 1.0) <= _CALIBRATION_TOLERANCE:
            break
        speed = min(MAX_SPEED, max(MIN_SPEED, round(speed * wpm / actual)))
        audio = synthesize(text, voice, speed, pitch, pitch_range, sample_rate)
    return audio, speed, active_level_dbov(audio, sample_rate)


def _target_level(spec: CallSpec, utt: Utterance) -> float:
    base = spec.agent_level_dbov if utt.party == "agent" else spec.customer_level_dbov
    return base + STYLE_GAIN_DB[utt.style]


def _line_noise(
    n: int, level_dbov: float, sample_rate: int, rng: np.random.Generator
) -> np.ndarray:
    noise = band_limit(rng.standard_normal(n).astype(np.float32), sample_rate)
    rms = float(np.sqrt(np.mean(noise**2))) if n else 1.0
    return (noise * (10 ** (level_dbov / 20) / max(rms, 1e-12))).astype(np.float32)


def mix_line(
    speech: np.ndarray,
    sample_rate: int,
    customer_channel: int,
    ringback: np.ndarray,
    *,
    noise_dbov: float | None,
    crosstalk_db: float | None,
    seed: int,
    name: str,
) -> np.ndarray:
    """The line on top of placed speech (2, n): crosstalk, ringback, noise.

    Ringback goes on the customer's (caller's) channel from sample 0; the
    agent's line is digital silence until the answer (``len(ringback)``).
    Raises ValueError when the result clips.
    """
    n_total = speech.shape[1]
    answer_sample = len(ringback)
    agent_channel = 1 - customer_channel
    out = speech.copy()
    if crosstalk_db is not None:
        delay = round(CROSSTALK_DELAY_S * sample_rate)
        gain = np.float32(10 ** (crosstalk_db / 20))
        for ch in (0, 1):
            out[1 - ch, delay:] += gain * speech[ch, : n_total - delay]
    out[customer_channel, :answer_sample] += ringback
    if noise_dbov is not None:
        rng = np.random.default_rng(seed)
        out[customer_channel] += _line_noise(n_total, noise_dbov, sample_rate, rng)
        # The agent's line is open only from the answer (off-hook).
        n_after = n_total - answer_sample
        out[agent_channel, answer_sample:] += _line_noise(n_after, noise_dbov, sample_rate, rng)
    peak = float(np.max(np.abs(out)))
    if peak >= 1.0:
        raise ValueError(f"call {name!r} clips (peak {peak:.2f}); lower the speech levels")
    return out


def ringback_until_answer(
    spec: CallSpec,
) -> tuple[np.ndarray, list[tuple[float, float]], list[float]]:
    """(the caller's ringback up to the answer, each ring's tone span, the plan's tones).

    The answer is ``spec.answer_in_cycle_s`` after the last ring's onset, or the end
    of its cycle. Raises ValueError when that moment is not inside the cycle's pause.
    """
    if spec.country is None:
        return np.zeros(0, dtype=np.float32), [], []
    plan = plan_for(spec.country)
    ringback, ring_times = synthesize_ringback(
        plan, spec.rings, spec.sample_rate, spec.ringback_level_dbov
    )
    if spec.answer_in_cycle_s is not None:
        tone_s = plan.period_s - plan.cadence_s[-1]  # first burst onset to last burst end
        if not tone_s <= spec.answer_in_cycle_s <= plan.period_s:
            raise ValueError(
                f"answer_in_cycle_s {spec.answer_in_cycle_s} is not in the pause after "
                f"{spec.country}'s ring ({tone_s:.1f} s tone, {plan.period_s:.1f} s cycle)"
            )
        answer_s = ring_times[-1][0] + spec.answer_in_cycle_s
        ringback = ringback[: round(answer_s * spec.sample_rate)]
    return ringback, ring_times, list(plan.freqs_hz)


def answered_in_pause(spec: CallSpec, fraction: float, first_gap_s: float) -> CallSpec:
    """``spec`` answered ``fraction`` (0..1) into the last ring's pause, the first word
    ``first_gap_s`` after the answer (same type as ``spec``)."""
    plan = plan_for(spec.country or "SE")
    tone_s = plan.period_s - plan.cadence_s[-1]
    first = spec.utterances[0].model_copy(update={"gap_before_s": first_gap_s})
    return spec.model_copy(
        update={
            "answer_in_cycle_s": tone_s + fraction * plan.cadence_s[-1],
            "utterances": [first, *spec.utterances[1:]],
        }
    )


def build_call(spec: CallSpec) -> tuple[np.ndarray, int, CallTruth]:
    """Build the call: (float32 array (2, n), sample rate, truth)."""
    sr = spec.sample_rate
    agent_ch = spec.agent_channel
    customer_ch = 1 - agent_ch
    channel_of: dict[Party, int] = {"agent": agent_ch, "customer": customer_ch}

    ringback, ring_times, freqs = ringback_until_answer(spec)
    answer_sample = len(ringback)
    answered_at_s = answer_sample / sr

    placed: list[tuple[int, np.ndarray]] = []
    truths: list[UtteranceTruth] = []
    prev_end = answer_sample
    for i, utt in enumerate(spec.utterances):
        audio, speed, level = _spoken(utt.text, utt.voice, utt.wpm, utt.pitch, utt.pitch_range, sr)
        target = _target_level(spec, utt)
        signal = audio * np.float32(10 ** ((target - level) / 20))
        start = prev_end + round(utt.gap_before_s * sr)
        if start < answer_sample:
            raise ValueError(f"utterance {i} would start before the answer (gap too negative)")
        end = start + len(signal)
        placed.append((start, signal))
        words = count_words(utt.text)
        duration = len(signal) / sr
        truths.append(
            UtteranceTruth(
                index=i,
                party=utt.party,
                channel=channel_of[utt.party],
                start_s=start / sr,
                end_s=end / sr,
                duration_s=duration,
                text=utt.text,
                word_count=words,
                wpm=words / duration * 60.0,
                wpm_target=utt.wpm,
                espeak_speed=speed,
                style=utt.style,
                level_dbov=target,
                voice=utt.voice,
                pitch=utt.pitch,
                pitch_range=utt.pitch_range,
                language=utt.language,
            )
        )
        prev_end = end

    n_total = max(start + len(sig) for start, sig in placed) + round(TAIL_S * sr)
    speech = np.zeros((2, n_total), dtype=np.float32)
    for (start, sig), truth in zip(placed, truths, strict=True):
        speech[truth.channel, start : start + len(sig)] += sig

    out = mix_line(
        speech,
        sr,
        customer_ch,
        ringback,
        noise_dbov=spec.noise_dbov,
        crosstalk_db=spec.crosstalk_db,
        seed=spec.seed,
        name=spec.name,
    )

    truth = CallTruth(
        name=spec.name,
        description=spec.description,
        sample_rate=sr,
        duration_s=n_total / sr,
        agent_channel=agent_ch,
        customer_channel=customer_ch,
        country=spec.country.upper() if spec.country else None,
        rings=spec.rings if spec.country else None,
        ring_times=ring_times,
        ringback_freqs_hz=freqs,
        answered_at_s=answered_at_s,
        noise_dbov=spec.noise_dbov,
        crosstalk_db=spec.crosstalk_db,
        agent_name=spec.agent_name,
        customer_name=spec.customer_name,
        company=spec.company,
        language=spec.utterances[0].language,
        utterances=truths,
        silences=silence_truths(truths, answered_at_s),
        min_silence_s=MIN_SILENCE_S,
        interruptions=interruption_truths(truths),
        parties=party_truths(truths),
    )
    return out, sr, truth


def _announcement(text: str, language: str) -> str | None:
    lowered = text.lower()
    for phrase in ANNOUNCEMENT_PHRASES.get(language, ()):
        if phrase in lowered:
            return phrase
    return None


def _merged(intervals: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def silence_truths(utts: list[UtteranceTruth], answered_at_s: float) -> list[SilenceTruth]:
    """Gaps where nobody speaks, from the answer to the last word."""
    speech = _merged([(u.start_s, u.end_s) for u in utts])
    out: list[SilenceTruth] = []
    cursor = answered_at_s
    for a, b in speech:
        if a - cursor >= MIN_SILENCE_S:
            before = [u for u in utts if u.end_s <= cursor + 1e-9]
            last = max(before, key=lambda u: u.end_s) if before else None
            phrase = (
                _announcement(last.text, last.language)
                if last is not None and last.party == "agent"
                else None
            )
            out.append(
                SilenceTruth(
                    start_s=cursor,
                    end_s=a,
                    duration_s=a - cursor,
                    announced=phrase is not None,
                    announcement=phrase,
                )
            )
        cursor = max(cursor, b)
    return out


def interruption_truths(utts: list[UtteranceTruth]) -> list[InterruptionTruth]:
    out: list[InterruptionTruth] = []
    for i, first in enumerate(utts):
        for second in utts[i + 1 :]:
            if second.party == first.party:
                continue
            earlier, later = sorted((first, second), key=lambda u: (u.start_s, u.index))
            start, end = later.start_s, min(earlier.end_s, later.end_s)
            if end > start:
                out.append(
                    InterruptionTruth(
                        by=later.party,
                        start_s=start,
                        end_s=end,
                        duration_s=end - start,
                        interrupted_utterance=earlier.index,
                        interrupting_utterance=later.index,
                    )
                )
    return sorted(out, key=lambda x: x.start_s)


def _longest_monologue(utts: list[UtteranceTruth], party: Party) -> tuple[float, float | None]:
    best, best_start = 0.0, None
    run: tuple[float, float] | None = None
    for u in sorted(utts, key=lambda u: u.start_s):
        if u.party != party:
            run = None
            continue
        if run is not None and u.start_s - run[1] < MONOLOGUE_MAX_PAUSE_S:
            run = (run[0], max(run[1], u.end_s))
        else:
            run = (u.start_s, u.end_s)
        if run[1] - run[0] > best:
            best, best_start = run[1] - run[0], run[0]
    return best, best_start


def party_truths(utts: list[UtteranceTruth]) -> dict[Party, PartyTruth]:
    talk: dict[Party, float] = {}
    for party in ("agent", "customer"):
        spans = _merged([(u.start_s, u.end_s) for u in utts if u.party == party])
        talk[party] = sum(b - a for a, b in spans)
    total = sum(talk.values()) or 1.0
    out: dict[Party, PartyTruth] = {}
    for party in ("agent", "customer"):
        mine = [u for u in utts if u.party == party]
        words = sum(u.word_count for u in mine)
        mono, mono_start = _longest_monologue(utts, party)
        out[party] = PartyTruth(
            talk_time_s=talk[party],
            words=words,
            wpm=words / talk[party] * 60.0 if talk[party] > 0 else None,
            talk_share=talk[party] / total,
            longest_monologue_s=mono,
            longest_monologue_start_s=mono_start,
            median_level_dbov=float(np.median([u.level_dbov for u in mine])) if mine else None,
        )
    return out


def write_call(spec: CallSpec, out_dir: str | Path, subtype: str = "PCM_16") -> tuple[Path, Path]:
    """Write ``<name>.wav`` (PCM_16 or ULAW) and ``<name>.truth.json`` into ``out_dir``."""
    import soundfile as sf

    if subtype not in ("PCM_16", "ULAW"):
        raise ValueError(f"subtype must be PCM_16 or ULAW, not {subtype!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    audio, sr, truth = build_call(spec)
    wav_path = out / f"{spec.name}.wav"
    truth_path = out / f"{spec.name}.truth.json"
    sf.write(wav_path, audio.T, sr, subtype=subtype)
    truth_path.write_text(truth.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return wav_path, truth_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_audio.callgen", description=__doc__)
    parser.add_argument("--out", default="sample_audio", help="output directory")
    parser.add_argument("--names", nargs="*", help="calls to write (default: the committed set)")
    parser.add_argument("--all", action="store_true", help="write every known call")
    parser.add_argument("--format", choices=("pcm16", "ulaw"), default="ulaw")
    parser.add_argument("--list", action="store_true", help="list the known calls and exit")
    parser.add_argument(
        "--benchmark", type=float, metavar="SECONDS", help="also write benchmark_call(SECONDS)"
    )
    args = parser.parse_args(argv)
    calls = dict(SAMPLE_CALLS)
    if args.list:
        for name, spec in calls.items():
            mark = "*" if name in COMMITTED else " "
            print(f"{mark} {name:20s} {spec.description}")
        return 0
    names = list(calls) if args.all else (args.names or list(COMMITTED))
    if args.benchmark:
        bench = benchmark_call(args.benchmark)
        calls[bench.name] = bench
        names.append(bench.name)
    unknown = [n for n in names if n not in calls]
    if unknown:
        parser.error(f"unknown call(s) {unknown}; known: {sorted(calls)}")
    subtype = "ULAW" if args.format == "ulaw" else "PCM_16"
    for name in names:
        try:
            wav, _ = write_call(calls[name], args.out, subtype=subtype)
        except EspeakUnavailableError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {wav} ({wav.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
