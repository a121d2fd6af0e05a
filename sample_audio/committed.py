"""The committed sample calls (sample_audio/*.wav): real recorded voices, known findings.

Built by ``sample_audio.realcalls`` (agent: Asterisk's recorded prompts; customer:
a LibriVox reader), so the default model transcribes them as a person would hear
them (espeak-ng's voice at 8 kHz came out as "your speaking women have Nordic travel").
Each call changes one thing of a polite call; its truth file lists in
``expected_findings`` the rules it must produce findings for, and
tests/sample_audio/test_committed.py analyses each committed file and checks exactly
those. The corpora have no agent introducing herself by name and company and no
"next step", so every call also has an ``opening`` and a ``closing`` finding (the agent
opens with "Hello." and closes with "Thank you. Goodbye!"); no prompt asks the caller's
name, so every call has a ``customer_name`` finding too. Info findings (the customer's
type) are observations, not problems, and are not listed. And Asterisk's voice reads
her prompts at 145-200 words a minute depending on which she reads: a call whose
agent speaks at over 160 (the profile's maximum) also has a ``speech_rate`` finding.
Seeds are chosen so that the agent's rate is clear of 160 (147-202 wpm; interrupting 155).

    .venv/bin/python -m sample_audio.committed --out sample_audio/
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.profile import default_profile
from sample_audio.realcalls import RealCallSpec, RealCallTruth, build_real_call, compose_call

SAMPLE_DIR = Path(__file__).resolve().parent

# What the agent's prompts never contain (see the module docstring).
ALWAYS = ("opening", "closing", "customer_name")


@dataclass(frozen=True)
class SampleRecipe:
    description: str
    findings: tuple[str, ...]  # besides ALWAYS
    compose: dict[str, object] = field(default_factory=dict)
    # (index among the agent's utterances, style): a shouted or whispered turn.
    styles: tuple[tuple[int, str], ...] = ()


SAMPLES: dict[str, SampleRecipe] = {
    "good_call": SampleRecipe(
        "polite call: SE ringback, answered after 2 rings, an announced 8 s hold",
        (),
        {"seed": 11, "country": "SE", "rings": 2, "announced_silence_s": 8.0},
    ),
    "early_pickup": SampleRecipe(
        "answered on the first ring (US ringback)",
        # its customer speaks five turns in a row that the agent never acknowledges
        ("pickup_delay", "active_listening"),
        {"seed": 5, "country": "US", "rings": 1},
    ),
    "late_pickup": SampleRecipe(
        "answered after 5 rings (UK double ringback)",
        ("pickup_delay",),
        {"seed": 15, "country": "GB", "rings": 5},
    ),
    "dead_air": SampleRecipe(
        "9 s of silence after a prompt that announces nothing (NO ringback, 2 rings)",
        ("unexplained_silence",),
        {"seed": 14, "country": "NO", "rings": 2, "unexplained_silence_s": 9.0},
    ),
    "interrupting": SampleRecipe(
        "the agent starts 1.6-2.4 s before the customer ends, twice (UK, 2 rings)",
        ("interruption",),
        {"seed": 25, "country": "GB", "rings": 2, "agent_interruptions": 2},
    ),
    "shouting": SampleRecipe(
        "one agent turn shouted (+10 dB), one whispered (-14 dB) (UK, 2 rings)",
        ("loudness",),
        {"seed": 17, "country": "GB", "rings": 2},
        styles=((2, "shout"), (4, "whisper")),
    ),
}


# About 45 s each keeps the six committed files under the repository's 5.5 MB budget.
TARGET_S = 40.0


def sample_spec(name: str) -> RealCallSpec:
    recipe = SAMPLES[name]
    kwargs = {"target_s": TARGET_S, **recipe.compose}
    seed = int(kwargs.pop("seed"))  # type: ignore[call-overload]
    spec = compose_call(name, seed, description=recipe.description, **kwargs)  # type: ignore[arg-type]
    if not recipe.styles:
        return spec
    agent_at = [i for i, u in enumerate(spec.utterances) if u.party == "agent"]
    utterances = list(spec.utterances)
    for nth, style in recipe.styles:
        i = agent_at[nth]
        utterances[i] = utterances[i].model_copy(update={"style": style})
    return spec.model_copy(update={"utterances": utterances})


def expected_findings(name: str, truth: RealCallTruth) -> list[str]:
    """The rules the sample must produce findings for (its design plus the agent's rate)."""
    fast = truth.parties["agent"].wpm > default_profile().speech_rate.max_wpm
    return sorted({*ALWAYS, *SAMPLES[name].findings, *(["speech_rate"] if fast else [])})


def read_truth(name: str, sample_dir: Path = SAMPLE_DIR) -> RealCallTruth:
    """A committed sample's truth file as its model (``expected_findings`` left out)."""
    data = json.loads((sample_dir / f"{name}.truth.json").read_text(encoding="utf-8"))
    data.pop("expected_findings", None)
    return RealCallTruth.model_validate(data)


def write_sample(name: str, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<name>.wav`` (G.711 mu-law) and ``<name>.truth.json`` into ``out_dir``."""
    import soundfile as sf

    audio, sr, truth = build_real_call(sample_spec(name))
    out_dir.mkdir(parents=True, exist_ok=True)
    wav, truth_path = out_dir / f"{name}.wav", out_dir / f"{name}.truth.json"
    sf.write(wav, audio.T, sr, subtype="ULAW")
    data = json.loads(truth.model_dump_json())
    data["expected_findings"] = expected_findings(name, truth)
    truth_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return wav, truth_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_audio.committed", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("sample_audio"))
    parser.add_argument("--names", nargs="*", default=list(SAMPLES))
    args = parser.parse_args(argv)
    for name in args.names:
        wav, truth_path = write_sample(name, args.out)
        expected = json.loads(truth_path.read_text(encoding="utf-8"))["expected_findings"]
        print(f"{wav}  expects {', '.join(expected)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
