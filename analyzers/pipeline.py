"""Compose the analysis: recording in, typed report out.

The CLI and the service call only :func:`analyze`. Each stage is a pure
function in its own module; this module only wires them together and times
them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from analyzers.audio import CallAudio, load_audio, resample
from analyzers.errors import BadMetadataError
from analyzers.options import AnalysisOptions, CallMetadata
from analyzers.profile import Profile, default_profile
from analyzers.report import (
    CallContext,
    Interruption,
    Parties,
    PartyMetrics,
    Pickup,
    Report,
    Signals,
    Silence,
    Turn,
    WindowValue,
    Word,
)
from analyzers.rules import apply_rules

Progress = Callable[[str, float], None]
"""Called with (stage name, fraction of the whole analysis done 0..1)."""

AudioSource = str | os.PathLike[str] | Path | bytes | BinaryIO | CallAudio

# Above this rate nothing in a telephone call is gained; analysing at most
# 16 kHz keeps every stage cheap.
ANALYSIS_MAX_RATE = 16_000
SIGNAL_HOP_S = 0.1

# Share of the total work per stage, for the progress display.
_STAGE_WEIGHTS = {
    "decode": 0.03,
    "ringback": 0.02,
    "activity": 0.05,
    "pitch": 0.05,
    "loudness": 0.02,
    "transcribe": 0.80,
    "rules": 0.03,
}


@dataclass
class _Stopwatch:
    progress: Progress | None
    timings: dict[str, float]
    done: float = 0.0

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name, self.done)
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 4)
        self.done = min(1.0, self.done + _STAGE_WEIGHTS.get(name, 0.0))
        if self.progress:
            self.progress(name, self.done)

    def chunks(self, name: str) -> Callable[[int, int], None]:
        """Progress inside a stage: (chunks done, chunks planned) as part of its weight."""

        def report(done: int, total: int) -> None:
            if self.progress and total:
                share = _STAGE_WEIGHTS.get(name, 0.0) * done / total
                self.progress(f"{name} {done}/{total} chunks", self.done + share)

        return report


Span = tuple[float, float]


def _spans(segments: list) -> list[Span]:  # type: ignore[type-arg]
    return [(float(s.start_s), float(s.end_s)) for s in segments]


def _windows(values: list[tuple[float, float, float | None]]) -> list[WindowValue]:
    return [
        WindowValue(start_s=a, end_s=b, value=None if v is None else round(v, 3))
        for a, b, v in values
    ]


def _pickup(
    channels: np.ndarray,
    sample_rate: int,
    options: AnalysisOptions,
    metadata: CallMetadata | None,
) -> Pickup:
    from analyzers.ringback import detect_ringback, pickup_from_metadata
    from analyzers.tones import plan_for

    best = None
    for x in channels:
        result = detect_ringback(x, sample_rate, country_hint=options.country)
        if result.rings is not None and (best is None or result.confidence > best.confidence):
            best = result
    if best is not None:
        return Pickup(
            rings=best.rings,
            answered_at_s=best.answered_at_s,
            ringback_country=best.country,
            source="audio",
            ring_times=[(round(a, 3), round(b, 3)) for a, b in best.ring_times],
        )
    if metadata and metadata.ringing_at and metadata.answered_at:
        plan = plan_for(options.country or "US")
        try:
            rings, answered_at_s = pickup_from_metadata(
                metadata.ringing_at, metadata.answered_at, metadata.recording_started_at, plan
            )
        except BadMetadataError as exc:
            # Bad metadata loses only the pickup rule, not the whole analysis.
            return Pickup(source="none", note=f"call metadata unusable: {exc}")
        return Pickup(
            rings=rings,
            answered_at_s=answered_at_s,
            ringback_country=plan.country,
            source="metadata",
        )
    return Pickup(source="none")


def _likely_countries(options: AnalysisOptions, pickup: Pickup) -> list[str]:
    """Where the call is likely from: the team's hint, else every country whose
    ringback sounds like the one heard (425 Hz 1 s on / 4 s off: Norway or Greece)."""
    from analyzers.tones import plan_countries, plan_for

    if options.country:
        return [options.country]
    if pickup.source == "audio" and pickup.ringback_country:
        return plan_countries(plan_for(pickup.ringback_country))
    return []


def _assign_words(turns: list[Turn], words: list[Word]) -> None:
    """Attach each word to the turn of its party that contains its midpoint."""
    i = 0
    for turn in turns:
        while i < len(words) and (words[i].start_s + words[i].end_s) / 2 < turn.start_s - 0.5:
            i += 1
        j = i
        while j < len(words) and (words[j].start_s + words[j].end_s) / 2 <= turn.end_s + 0.5:
            j += 1
        turn.words = words[i:j]
        turn.text = " ".join(w.word.strip() for w in turn.words) or None
        i = j


def analyze(
    source: AudioSource,
    options: AnalysisOptions | None = None,
    metadata: CallMetadata | None = None,
    profile: Profile | None = None,
    progress: Progress | None = None,
) -> Report:
    """Analyse one call recording and return its report.

    Raises an :class:`analyzers.errors.AnalysisError` subclass on input that
    cannot be analysed (the message says why). A recording without speech is
    not an error: the report says what could not be measured.
    """
    from analyzers import activity, loudness, pitch
    from analyzers import turns as turn_mod

    options = options or AnalysisOptions()
    profile = profile or default_profile()
    watch = _Stopwatch(progress, {})

    with watch.stage("decode"):
        audio = (
            source
            if isinstance(source, CallAudio)
            else load_audio(source, max_duration_s=options.max_duration_s)
        )
        sr = audio.sample_rate
        samples = audio.samples
        if sr > ANALYSIS_MAX_RATE:
            samples = resample(samples, sr, ANALYSIS_MAX_RATE)
            sr = ANALYSIS_MAX_RATE
    stereo = samples.shape[0] == 2
    agent_ch = options.agent_channel if stereo else 0
    customer_ch = 1 - agent_ch if stereo else None
    duration_s = samples.shape[1] / sr

    with watch.stage("ringback"):
        pickup = _pickup(samples, sr, options, metadata)
    answered_at = pickup.answered_at_s if pickup.source == "audio" else None
    exclude = [(0.0, answered_at)] if answered_at else None

    with watch.stage("activity"):
        act = activity.detect_activity(
            samples,
            sr,
            min_speech_s=profile.activity.min_speech_s,
            min_gap_s=profile.activity.min_gap_s,
            exclude=exclude,
        )
        speech = [_spans(ch) for ch in act]
        agent_speech = speech[agent_ch]
        customer_speech = speech[customer_ch] if customer_ch is not None else []
        if stereo:
            spans = turn_mod.turns_from_activity(
                act[agent_ch], act[customer_ch], merge_gap_s=profile.activity.turn_merge_gap_s
            )
            turn_list = [
                Turn(party=t.party, start_s=round(t.start_s, 3), end_s=round(t.end_s, 3))
                for t in spans
            ]
            interruptions = [
                Interruption(
                    by=i.by,
                    start_s=round(i.start_s, 3),
                    end_s=round(i.end_s, 3),
                    duration_s=round(i.duration_s, 3),
                )
                for i in turn_mod.find_interruptions(
                    act[agent_ch],
                    act[customer_ch],
                    min_overlap_s=profile.interruption.min_overlap_s,
                )
            ]
        else:
            turn_list = [
                Turn(party="unknown", start_s=round(a, 3), end_s=round(b, 3)) for a, b in speech[0]
            ]
            interruptions = []
        all_speech = sorted(agent_speech + customer_speech)
        call_start = (
            answered_at if answered_at is not None else (all_speech[0][0] if all_speech else 0.0)
        )
        call_end = max((b for _, b in all_speech), default=call_start)
        silences = [
            Silence(
                start_s=round(s.start_s, 3),
                end_s=round(s.end_s, 3),
                duration_s=round(s.end_s - s.start_s, 3),
            )
            for s in turn_mod.find_silences(
                act[agent_ch],
                act[customer_ch] if customer_ch is not None else [],
                call_start,
                call_end,
                min_silence_s=min(3.0, profile.unexplained_silence.max_silence_s),
            )
        ]

    party_channels: dict[str, int] = (
        {"agent": agent_ch, "customer": customer_ch} if customer_ch is not None else {"mono": 0}
    )
    tracks = {}
    with watch.stage("pitch"):
        for party, ch in party_channels.items():
            tracks[party] = pitch.f0_track(samples[ch], sr, active=speech[ch])

    with watch.stage("loudness"):
        for ch in {agent_ch, customer_ch} - {None}:
            assert ch is not None
            own = [t for t in turn_list if (ch == agent_ch) == (t.party != "customer")]
            levels = loudness.turn_levels(samples[ch], sr, [(t.start_s, t.end_s) for t in own])
            for turn, level in zip(own, levels, strict=True):
                turn.level_dbov = _round(level, 2)
        party_levels = {
            party: loudness.active_speech_level_dbov(_concat_spans(samples[ch], sr, speech[ch]), sr)
            for party, ch in party_channels.items()
        }

    language = None if options.language == "auto" else options.language
    engine_name = model_name = None
    words_by_party: dict[str, list[Word]] = {}
    if options.engine != "none" and any(speech):
        with watch.stage("transcribe"):
            from analyzers.transcribe import transcribe_call

            vocabulary = (
                []
                if metadata is None
                else [
                    *metadata.company_names,
                    metadata.agent_name or "",
                    metadata.customer_name or "",
                ]
            )
            result = transcribe_call(
                samples,
                sr,
                speech,
                options,
                vocabulary=vocabulary,
                countries=_likely_countries(options, pickup),
                on_progress=watch.chunks("transcribe"),
            )
            language = result.language
            engine_name, model_name = result.engine, result.model
            for party, ch in party_channels.items():
                words_by_party[party] = result.words.get(ch, [])
        for party in party_channels:
            party_turns = [t for t in turn_list if t.party == party or party == "mono"]
            _assign_words(party_turns, words_by_party.get(party, []))
    else:
        watch.timings["transcribe"] = 0.0

    parties = Parties()
    if stereo:
        from analyzers.rate import count_words, windowed_wpm, words_per_minute

        share = turn_mod.talk_share(act[agent_ch], act[customer_ch])
        for party, ch in party_channels.items():
            assert ch is not None
            other = customer_ch if party == "agent" else agent_ch
            mono_start, mono_end = turn_mod.longest_monologue(act[ch], act[other])
            words = words_by_party.get(party)
            # Speaking time for the rate: the party's turns, so the short pauses
            # between phrases of one sentence count as speaking, as listeners hear it.
            turn_spans = [(t.start_s, t.end_s) for t in turn_list if t.party == party]
            track = tracks[party]
            window_s = profile.pitch_monotony.window_s
            metrics = PartyMetrics(
                talk_time_s=round(turn_mod.talk_time(act[ch]), 3),
                words=None if words is None else count_words(words),
                wpm=None if words is None else _round(words_per_minute(words, turn_spans)),
                pitch_median_hz=_round(pitch.pitch_median_hz(track.f0_hz)),
                pitch_sd_semitones=_round(pitch.semitone_spread(track.f0_hz)),
                level_dbov=_round(party_levels[party]),
                longest_monologue_s=round(mono_end - mono_start, 3),
                longest_monologue_start_s=round(mono_start, 3),
                talk_share=None
                if share is None
                else round(share if party == "agent" else 1 - share, 4),
                wpm_windows=[]
                if words is None
                else _windows(
                    windowed_wpm(words, turn_spans, window_s=profile.speech_rate.window_s)
                ),
                pitch_sd_windows=_windows(pitch.windowed_spread(track, window_s=window_s)),
            )
            setattr(parties, party, metrics)

    signals = None
    if options.compute_signals:
        signals = Signals(
            hop_s=SIGNAL_HOP_S,
            level_dbov={
                party: _nullable(loudness.level_envelope_dbov(samples[ch], sr, hop_s=SIGNAL_HOP_S))
                for party, ch in party_channels.items()
            },
            pitch_hz={
                party: _nullable(_downsample_track(tracks[party], duration_s))
                for party in party_channels
            },
            speech={
                party: [(round(a, 2), round(b, 2)) for a, b in speech[ch]]
                for party, ch in party_channels.items()
            },
        )

    context = CallContext()
    if metadata:
        context = CallContext(
            customer_name=metadata.customer_name,
            agent_name=metadata.agent_name,
            company_names=list(metadata.company_names),
        )
    report = Report(
        duration_s=round(audio.duration_s, 3),
        sample_rate=audio.sample_rate,
        channels=audio.n_channels,
        language=language,
        agent_channel=agent_ch if stereo else None,
        ranges_profile=profile.name,
        engine=engine_name,
        model=model_name,
        pickup=pickup,
        parties=parties,
        turns=turn_list,
        silences=silences,
        interruptions=interruptions,
        context=context,
        signals=signals,
    )
    with watch.stage("rules"):
        report = apply_rules(report, profile)
    report.timings_s = watch.timings
    if progress:
        progress("done", 1.0)
    return report


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


def _nullable(values: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 1) for v in values]


def _concat_spans(x: np.ndarray, sample_rate: int, spans: list[Span]) -> np.ndarray:
    parts = [x[int(a * sample_rate) : int(b * sample_rate)] for a, b in spans]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=x.dtype)


def _downsample_track(track: object, duration_s: float) -> np.ndarray:
    """The F0 contour on the signal grid (median of voiced frames per hop)."""
    times = np.asarray(track.times_s)  # type: ignore[attr-defined]
    f0 = np.asarray(track.f0_hz)  # type: ignore[attr-defined]
    n = int(np.ceil(duration_s / SIGNAL_HOP_S))
    out = np.full(n, np.nan)
    if times.size == 0:
        return out
    idx = np.minimum((times / SIGNAL_HOP_S).astype(int), n - 1)
    voiced = np.isfinite(f0)
    for i in np.unique(idx[voiced]):
        out[i] = np.median(f0[voiced & (idx == i)])
    return out
