"""Cost and accuracy of the non-speech detectors (analyzers.hold, analyzers.call_tones).

    PYTHONPATH=. .venv/bin/python bench/bench_nonspeech.py [--seconds 300] [--repeat 3] [--grid]

- Cost: detect_music and detect_tones on each channel of a stereo 8 kHz call of
  --seconds (sample_audio.callgen.benchmark_call, with 40 s of Asterisk music on hold
  on the agent's channel), CPU next to wall time since the machine may be shared; next
  to detect_activity on the same call, and as a share of the CPU time of the whole
  analysis (tiny.en, as shipped) of that call, measured in the same run.
- --grid: hold-span accuracy over every music-on-hold track x start offset (0, 60,
  120 s into the track) x codec (none, mu-law, AMR-NB, Opus) x noise (none, 15 dB
  SNR): 40 s of music between real speech (Asterisk prompts); a case passes when the
  call has exactly one hold within 0.5 s of the truth at both ends; "music covered"
  is the share of the music's seconds inside detected holds (all cases).
"""

from __future__ import annotations

import argparse

import numpy as np

from analyzers.activity import detect_activity
from analyzers.audio import CallAudio
from analyzers.call_tones import detect_tones
from analyzers.hold import detect_music, merge_holds
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from bench.bench_activity import timed
from sample_audio.nonspeech import (
    CODECS,
    SAMPLE_RATE,
    codec_round_trip,
    hold_channel,
    moh,
    moh_tracks,
    with_noise,
)


def _call(seconds: float) -> tuple[np.ndarray, int]:
    """The call's samples and its agent's channel."""
    from sample_audio.callgen import benchmark_call, build_call

    audio, _, truth = build_call(benchmark_call(duration_s=seconds))
    audio = np.array(audio, dtype=np.float32)
    if moh_tracks():
        a = round(min(60.0, seconds / 4) * SAMPLE_RATE)
        music = moh(moh_tracks()[0], 0.0, min(40.0, seconds / 4))
        audio[truth.agent_channel, a : a + len(music)] = music
    return audio, truth.agent_channel


def cost(seconds: float, repeat: int) -> None:
    audio, agent_channel = _call(seconds)
    duration = audio.shape[1] / SAMPLE_RATE
    rows = {
        "detect_music (both channels)": lambda: [detect_music(ch, SAMPLE_RATE) for ch in audio],
        "detect_tones (both channels)": lambda: [detect_tones(ch, SAMPLE_RATE) for ch in audio],
        "detect_activity (reference)": lambda: detect_activity(audio, SAMPLE_RATE),
    }
    call, options = (
        CallAudio(samples=audio, sample_rate=SAMPLE_RATE),
        AnalysisOptions(agent_channel=agent_channel),
    )
    whole = lambda: analyze(call, options)  # noqa: E731
    whole()  # the model loaded once, outside the measurement
    budget, budget_wall = timed(whole, 1)
    print(
        f"call: {duration:.0f} s stereo 8 kHz; whole analysis {budget:.1f} CPU s "
        f"({budget_wall:.1f} s wall, tiny.en)\n"
    )
    print("| step | CPU s | wall s | share of the whole analysis (CPU) |")
    print("|---|---|---|---|")
    total_cpu = 0.0
    for name, function in rows.items():
        cpu, wall = timed(function, repeat)
        if "reference" not in name:
            total_cpu += cpu
        print(f"| {name} | {cpu:.3f} | {wall:.3f} | {100 * cpu / budget:.1f} % |")
    print(f"| both detectors | {total_cpu:.3f} | | {100 * total_cpu / budget:.1f} % |")


def grid() -> None:
    before = ["asterisk:hello", "asterisk:pls-hold-while-try"]
    after = ["asterisk:auth-thankyou", "asterisk:goodbye"]
    print("\n| track | offset s | cases | pass | mean abs edge error s (passing) | music covered |")
    print("|---|---|---|---|---|---|")
    total, passed = 0, 0
    for track in moh_tracks():
        for offset in (0.0, 60.0, 120.0):
            ch = hold_channel(before, track, offset, 40.0, after)
            start, end = ch.holds[0]
            ok, errors, covered = 0, [], []
            for codec in CODECS:
                for snr in (None, 15.0):
                    x = codec_round_trip(ch.samples, codec)
                    x = with_noise(x, snr) if snr is not None else x
                    holds = merge_holds(
                        [detect_music(x, SAMPLE_RATE)], detect_activity(x, SAMPLE_RATE)
                    )
                    good = (
                        len(holds) == 1
                        and abs(holds[0].start_s - start) <= 0.5
                        and abs(holds[0].end_s - end) <= 0.5
                    )
                    ok += good
                    covered.append(
                        sum(max(0.0, min(h.end_s, end) - max(h.start_s, start)) for h in holds)
                        / (end - start)
                    )
                    if good:
                        errors += [abs(holds[0].start_s - start), abs(holds[0].end_s - end)]
            total, passed = total + 2 * len(CODECS), passed + ok
            mean = f"{np.mean(errors):.2f}" if errors else "-"
            share = f"{100 * np.mean(covered):.0f} %"
            print(f"| {track} | {offset:g} | {2 * len(CODECS)} | {ok} | {mean} | {share} |")
    print(f"\nall: {passed}/{total} cases within 0.5 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--grid", action="store_true")
    args = ap.parse_args()
    cost(args.seconds, args.repeat)
    if args.grid:
        grid()


if __name__ == "__main__":
    main()
