"""The mono split on calls it was never tuned on: fresh seeds of the mono set's casts.

    PYTHONPATH=. .venv/bin/python bench/bench_diarize_seeds.py [--calls 24] [--first-seed 300]

``bench_separation`` runs the whole analysis on the nine calls of
``sample_audio.mono_set``, the calls the diarizer was built against. This draws new
calls from other seeds (the same four casts in turn, the agent on either channel, one
interruption each way) and runs the diarizer alone on each mono mix: DER against the
stereo channels' voice activity (collar 0.25 s, overlap scored), the long overlaps
heard (>= 1 s, an interruption's shape) against the interruptions placed, and the
split's confidence. Then the distribution: median and worst DER, calls whose
interruption count differs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from analyzers.activity import detect_activity
from analyzers.diarization_error import diarization_error_rate
from analyzers.diarize import diarize_two
from sample_audio import codec2_clips
from sample_audio.mono_set import BRUCE_AND_ALLISON, BRUCE_AS_AGENT, BRUCE_AS_CUSTOMER
from sample_audio.realcalls import ALLISON_AND_READER, build_real_call, compose_call

CASTS = {
    "allison/reader": ALLISON_AND_READER,
    "allison/bruce": BRUCE_AS_CUSTOMER,
    "bruce/reader": BRUCE_AS_AGENT,
    "bruce/allison": BRUCE_AND_ALLISON,
}
LONG_OVERLAP_S = 1.0


def one_call(seed: int, cast_name: str, agent_channel: int) -> tuple[float, int, int, float, float]:
    """(DER, long overlaps heard, interruptions placed, confidence, seconds) of one mix."""
    spec = compose_call(
        f"seed_{seed}",
        seed,
        agent_channel=agent_channel,
        agent_interruptions=1,
        customer_interruptions=1,
        unexplained_silence_s=5.5,
        cast=CASTS[cast_name],
    )
    stereo, rate, truth = build_real_call(spec)
    mono = stereo.mean(axis=0, keepdims=True)
    reference = detect_activity(stereo, rate)
    started = time.perf_counter()
    found = diarize_two(mono[0], rate, detect_activity(mono, rate)[0])
    elapsed = time.perf_counter() - started
    der = diarization_error_rate(
        (reference[agent_channel], reference[1 - agent_channel]), found.speakers
    )
    heard = sum(o.duration_s >= LONG_OVERLAP_S for o in found.overlap)
    return der, heard, len(truth.interruptions), found.confidence, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=24)
    parser.add_argument("--first-seed", type=int, default=300)
    args = parser.parse_args()
    names = list(CASTS) if codec2_clips.available() else ["allison/reader"]
    print(
        "| seed | voices (agent/customer) | agent channel | DER | overlaps heard/placed "
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
        f"interruption count off on {len(off)} ({', '.join(map(str, off)) or 'none'})"
    )


if __name__ == "__main__":
    main()
