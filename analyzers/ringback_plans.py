"""Ringback tone plans (what the caller hears while the phone rings).

Source: ITU-T E.180 supplement as collected in Asterisk's ``indications.conf``
(restated in guidelines.md). Shared by the detector (analyzers.ringback) and
the sample-call generator, so both agree on one table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzers.spans import Span


@dataclass(frozen=True)
class RingbackPlan:
    country: str
    freqs_hz: tuple[float, ...]
    # Alternating on/off durations of one ring cycle, starting with "on".
    # A UK double ring is (0.4, 0.2, 0.4, 2.0): two bursts that count as one ring.
    cadence_s: tuple[float, ...]

    @property
    def period_s(self) -> float:
        return float(sum(self.cadence_s))

    @property
    def on_s(self) -> float:
        """Total tone time in one ring cycle."""
        return float(sum(self.cadence_s[0::2]))


RINGBACK_PLANS: dict[str, RingbackPlan] = {
    plan.country: plan
    for plan in (
        RingbackPlan("US", (440.0, 480.0), (2.0, 4.0)),
        RingbackPlan("GB", (400.0, 450.0), (0.4, 0.2, 0.4, 2.0)),
        RingbackPlan("SE", (425.0,), (1.0, 5.0)),
        RingbackPlan("NO", (425.0,), (1.0, 4.0)),
        RingbackPlan("GR", (425.0,), (1.0, 4.0)),
        RingbackPlan("FR", (440.0,), (1.5, 3.5)),
        RingbackPlan("ES", (425.0,), (1.5, 3.0)),
    )
}
# Countries that share another's plan (indistinguishable by audio alone).
PLAN_ALIASES: dict[str, str] = {
    "CA": "US",
    "DE": "NO",
    "NL": "NO",
    "CH": "NO",
    "PL": "NO",
}


# Country codes people write that are not ISO 3166 alpha-2: accepted, stored as ISO.
COUNTRY_SPELLINGS: dict[str, str] = {"UK": "GB"}
# Every country with a known ringback (its own plan or one it shares), ISO codes.
PLAN_COUNTRIES: tuple[str, ...] = tuple(sorted({*RINGBACK_PLANS, *PLAN_ALIASES}))


def iso_country(code: str) -> str:
    """The ISO 3166 alpha-2 code for a country as given (``uk`` -> ``GB``)."""
    upper = code.strip().upper()
    return COUNTRY_SPELLINGS.get(upper, upper)


def plan_countries(plan: RingbackPlan) -> list[str]:
    """The countries whose ringback sounds like ``plan`` (same tones and cadence)."""
    return [
        code
        for code, other in RINGBACK_PLANS.items()
        if (other.freqs_hz, other.cadence_s) == (plan.freqs_hz, plan.cadence_s)
    ]


def plan_for(country: str) -> RingbackPlan:
    code = iso_country(country)
    code = PLAN_ALIASES.get(code, code)
    try:
        return RINGBACK_PLANS[code]
    except KeyError:
        raise ValueError(
            f"no ringback plan for country {country!r}; known: {sorted(RINGBACK_PLANS)}"
        ) from None


def synthesize_ringback(
    plan: RingbackPlan, rings: int, sample_rate: int, level_dbov: float = -20.0
) -> tuple[np.ndarray, list[Span]]:
    """Ringback for ``rings`` full ring cycles.

    Returns the float32 signal and the (start_s, end_s) of each ring's tone
    (first burst start to last burst end). The last ring's trailing silence is
    kept, so the answer falls in the pause after the last ring.
    """
    n_total = round(plan.period_s * rings * sample_rate)
    out = np.zeros(n_total, dtype=np.float32)
    amp = 10 ** (level_dbov / 20) * np.sqrt(2) / len(plan.freqs_hz)
    ring_times: list[Span] = []
    t = 0.0
    for _ in range(rings):
        ring_start = t
        ring_end = t
        for i, dur in enumerate(plan.cadence_s):
            if i % 2 == 0:
                a, b = round(t * sample_rate), round((t + dur) * sample_rate)
                tt = np.arange(b - a) / sample_rate
                burst = sum(np.sin(2 * np.pi * f * tt) for f in plan.freqs_hz)
                out[a:b] = (amp * burst).astype(np.float32)
                ring_end = t + dur
            t += dur
        ring_times.append(Span(ring_start, ring_end))
    return out, ring_times
