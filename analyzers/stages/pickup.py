"""Pickup stage: rings and answer time from the ringback heard, else from the
call's metadata; the countries the call is likely from."""

from __future__ import annotations

from analyzers.errors import BadMetadataError
from analyzers.options import AnalysisOptions, CallMetadata
from analyzers.report import Pickup
from analyzers.ringback import (
    RingbackResult,
    answer_moment,
    detect_ringback,
    pickup_from_metadata,
    pickup_seconds,
    ringing_seconds,
)
from analyzers.ringback_plans import plan_countries, plan_for
from analyzers.spans import Span
from analyzers.stages.decode import DecodedCall


def find_pickup(
    call: DecodedCall, options: AnalysisOptions, metadata: CallMetadata | None
) -> Pickup:
    """The most confident ringback of any channel; the metadata when none is heard."""
    best = _best_ringback(call, options.country)
    if best is not None:
        answered_at_s = answer_moment(call.channels, call.sample_rate, best)
        return Pickup(
            rings=best.rings,
            answered_at_s=answered_at_s,
            ringback_country=best.country,
            source="audio",
            ring_times=[Span(round(a, 3), round(b, 3)) for a, b in best.ring_times],
            seconds=pickup_seconds(best.ring_times, answered_at_s),
        )
    if metadata and metadata.ringing_at and metadata.answered_at:
        return _pickup_from_metadata(metadata, options.country or "US")
    return Pickup(source="none")


def _best_ringback(call: DecodedCall, country: str | None) -> RingbackResult | None:
    best = None
    for x in call.channels:
        result = detect_ringback(x, call.sample_rate, country_hint=country)
        if result.rings is not None and (best is None or result.confidence > best.confidence):
            best = result
    return best


def _pickup_from_metadata(metadata: CallMetadata, country: str) -> Pickup:
    assert metadata.ringing_at is not None and metadata.answered_at is not None
    plan = plan_for(country)
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
        seconds=round(ringing_seconds(metadata.ringing_at, metadata.answered_at), 1),
    )


def heard_answer_s(pickup: Pickup) -> float | None:
    """When the answer was heard in the audio (None when pickup came from elsewhere)."""
    return pickup.answered_at_s if pickup.source == "audio" else None


def likely_countries(options: AnalysisOptions, pickup: Pickup) -> list[str]:
    """Where the call is likely from: the team's hint, else every country whose
    ringback sounds like the one heard (425 Hz 1 s on / 4 s off: Norway or Greece)."""
    if options.country:
        return [options.country]
    if pickup.source == "audio" and pickup.ringback_country:
        return plan_countries(plan_for(pickup.ringback_country))
    return []
