"""The mono split on calls it was never tuned on: fresh seeds of the mono set's casts.

    PYTHONPATH=. .venv/bin/python bench/bench_diarize_seeds.py [--calls 24] [--first-seed 300]

``bench_separation`` runs the whole analysis on the nine calls of
``sample_audio.mono_set``, the calls the diarizer was built against. This draws new
calls from other seeds (the same four casts in turn, the agent on either channel, one
interruption each way) and runs the diarizer alone on each mono mix: DER against the
stereo channels' voice activity (collar 0.25 s, overlap scored), the interruptions
found in the split (``analyzers.turns.find_interruptions`` with the default profile,
as the report finds them) against those found in the channels, and the split's
confidence. Then the distribution: median and worst DER, calls whose interruptions
differ (who and count).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from analyzers.activity import detect_activity
from analyzers.diarization_error import diarization_error_rate
from analyzers.diarize import diarize_two
from analyzers.profile import default_profile
from analyzers.spans import Span
from analyzers.turns import find_interruptions
from sample_audio import codec2_clips
from sample_audio.mono_set import BRUCE_AND_ALLISON, BRUCE_AS_AGENT, BRUCE_AS_CUSTOMER
from sample_audio.realcalls import ALLISON_AND_READER, build_real_call, compose_call

CASTS = {
    "allison/reader": ALLISON_AND_READER,
    "allison/bruce": BRUCE_AS_CUSTOMER,
    "bruce/reader": BRUCE_AS_AGENT,
    "bruce/allison": BRUCE_AND_ALLISON,
}
MIN_OVERLAP_S = default_profile().interruption.min_overlap_s


def _by(agent: Sequence[Span], customer: Sequence[Span]) -> str:
    """Who interrupted, in order: "ac" = the agent, then the customer."""
    return "".join(i.by[0] for i in find_interruptions(agent, customer, MIN_OVERLAP_S)) or "-"


def one_call(seed: int, cast_name: str, agent_channel: int) -> tuple[float, str, str, float, float]:
    """(DER, interruptions in the split, in the channels, confidence, seconds) of one mix."""
    spec = compose_call(
        f"seed_{seed}",
        seed,
        agent_channel=agent_channel,
        agent_interruptions=1,
        customer_interruptions=1,
        unexplained_silence_s=5.5,
        cast=CASTS[cast_name],
    )
    stereo, rate, _ = build_real_call(spec)
    mono = stereo.mean(axis=0, keepdims=True)
    reference = detect_activity(stereo, rate)
    started = time.perf_counter()
    found = diarize_two(mono[0], rate, detect_activity(mono, rate)[0])
    elapsed = time.perf_counter() - started
    der = diarization_error_rate(
        (reference[agent_channel], reference[1 - agent_channel]), found.speakers
    )
    # The diarizer's first speaker is the one who speaks first: the agent here.
    split = _by(found.speakers[0], found.speakers[1])
    channels = _by(reference[agent_channel], reference[1 - agent_channel])
    return der, split, channels, found.confidence, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=24)
    parser.add_argument("--first-seed", type=int, default=300)
    args = parser.parse_args()
    names = list(CASTS) if codec2_clips.available() else ["allison/reader"]
    print(
        "| seed | voices (agent/customer) | agent channel | DER | interruptions mono/stereo "
        "| confidence | diarize s |"
    )
    print("|---|---|---|---|---|---|---|")
    ders: list[float] = []
    off: list[int] = []
    for k in range(args.calls):
        seed, cast_name, channel = args.first_seed + k, names[k % len(names)], (k // 2) % 2
        der, heard, placed, confidence, elapsed = one_call(seed, cast_name, channel)
        ders.append(der)
        if heard != placed:
            off.append(seed)
        print(
            f"| {seed} | {cast_name} | {channel} | {100 * der:.1f} % | {heard}/{placed} "
            f"| {confidence:.2f} | {elapsed:.2f} |",
            flush=True,
        )
    print(
        f"\n{len(ders)} calls: DER median {100 * statistics.median(ders):.1f} %, "
        f"worst {100 * max(ders):.1f} %, over 10 %: {sum(d > 0.10 for d in ders)}; "
        f"interruptions differ on {len(off)} ({', '.join(map(str, off)) or 'none'})"
    )


if __name__ == "__main__":
    main()
