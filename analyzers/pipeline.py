"""Compose the analysis: recording in, typed report out.

The CLI and the service call only :func:`analyze`. Each stage is a typed
function in its own module under ``analyzers/stages/``; this module only runs
them in order and times them. A new stage is one module and one line here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from analyzers.heap import return_freed_memory
from analyzers.options import AnalysisOptions, CallMetadata
from analyzers.profile import Profile, default_profile
from analyzers.report import Report
from analyzers.report_warnings import with_recording_warnings
from analyzers.rules import apply_rules
from analyzers.sample_store import pages_dropped
from analyzers.separation_notes import note_unsure_separation
from analyzers.stages.activity import find_activity
from analyzers.stages.conversation import measure_conversation
from analyzers.stages.decode import AudioSource, DecodedCall, decode
from analyzers.stages.loudness import measure_loudness
from analyzers.stages.measures import measure_parties
from analyzers.stages.nonspeech import find_nonspeech
from analyzers.stages.parties import agent_voice_print, assign_parties
from analyzers.stages.pickup import find_pickup
from analyzers.stages.pitch import track_pitch
from analyzers.stages.redact import attach_redactions, redact_transcript
from analyzers.stages.report import StageResults, build_report
from analyzers.stages.roles import confirm_agent
from analyzers.stages.sentiment import score_sentiment
from analyzers.stages.signals import timeline_signals
from analyzers.stages.transcription import transcribe

Progress = Callable[[str, float], None]
"""Called with (stage name, fraction of the whole analysis done 0..1)."""

# Share of the total work per stage, for the progress display.
_STAGE_WEIGHTS = {
    "decode": 0.03,
    "ringback": 0.02,
    "activity": 0.04,
    "nonspeech": 0.02,
    "turns": 0.01,
    "pitch": 0.05,
    "loudness": 0.02,
    "parties": 0.02,
    "transcribe": 0.78,
    "rules": 0.03,
}

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class _Stopwatch:
    progress: Progress | None
    timings: dict[str, float] = field(default_factory=dict)
    done: float = 0.0

    def run(self, name: str, stage: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run one stage, timing it and reporting progress before and after."""
        if self.progress:
            self.progress(name, self.done)
        start = time.perf_counter()
        # What the stage reads of a long call does not stay in memory; what it allocated
        # and freed goes back to the system.
        with pages_dropped(arg.samples for arg in args if isinstance(arg, DecodedCall)):
            result = stage(*args, **kwargs)
        return_freed_memory()
        self.timings[name] = round(time.perf_counter() - start, 4)
        self.done = min(1.0, self.done + _STAGE_WEIGHTS.get(name, 0.0))
        if self.progress:
            self.progress(name, self.done)
        return result

    def chunks(self, name: str) -> Callable[[int, int], None]:
        """Progress inside a stage: (chunks done, chunks planned) as part of its weight."""

        def report(done: int, total: int) -> None:
            if self.progress and total:
                share = _STAGE_WEIGHTS.get(name, 0.0) * done / total
                self.progress(f"{name} {done}/{total} chunks", self.done + share)

        return report


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
    options = options or AnalysisOptions()
    profile = profile or default_profile()
    watch = _Stopwatch(progress)
    run = watch.run

    call = run("decode", decode, source, options)
    pickup = run("ringback", find_pickup, call, options, metadata)
    activity = run("activity", find_activity, call, pickup, profile)
    parties = run("parties", assign_parties, call, activity, options)
    # From here on each party is a channel: a mono call's diarized view when split.
    recording, call, activity = call, parties.call, parties.activity
    nonspeech = run("nonspeech", find_nonspeech, call, activity, parties, profile)
    activity = nonspeech.activity  # music on hold and tones are not speech
    transcript = run(
        "transcribe",
        transcribe,
        call,
        activity,
        parties,
        pickup,
        options,
        metadata,
        on_progress=watch.chunks("transcribe"),
    )
    # Roles before redaction: each redaction names its party, which roles may swap.
    parties, transcript = run("roles", confirm_agent, parties, transcript, profile, metadata)
    transcript, redactions = run("redact", redact_transcript, transcript, options)
    conversation = run(
        "turns", measure_conversation, activity, parties, pickup, profile, nonspeech.hold_spans()
    )
    tracks = run("pitch", track_pitch, call, activity, parties)
    loudness = run("loudness", measure_loudness, call, activity, parties, conversation.turns)
    metrics = run(
        "measures",
        measure_parties,
        activity,
        parties,
        conversation,
        tracks,
        loudness,
        transcript,
        profile,
    )
    signals = (
        run("signals", timeline_signals, call, activity, parties, tracks)
        if options.compute_signals
        else None
    )
    found = StageResults(
        pickup, parties, conversation, loudness, transcript, metrics, signals, nonspeech
    )
    report = run("report", build_report, recording, found, metadata, profile)
    report = run("sentiment", score_sentiment, report)
    report = run("rules", apply_rules, report, profile)
    report = run(
        "warnings",
        with_recording_warnings,
        report,
        recording.recording.warnings,
        has_speech=activity.any_speech(),
    )
    report = attach_redactions(note_unsure_separation(report), redactions)
    report = report.with_agent_voice(run("voice", agent_voice_print, call, activity, parties))
    report.timings_s = watch.timings
    if progress:
        progress("done", 1.0)
    return report
