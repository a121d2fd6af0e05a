"""The calls whose whole reports are pinned as golden files.

Every committed sample call (``sample_audio/*.wav`` with its truth file), a mono
downmix of good_call (the path where parties cannot be told apart) and the
benchmark call of ``bench/bench_analysis.py`` are analysed with ``engine="none"``
(every acoustic field); two calls also with the real default transcription
(tiny.en). ``regenerate.py`` writes the golden files, ``test_golden.py`` compares.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analyzers.audio import CallAudio, load_audio
from analyzers.options import AnalysisOptions, CallMetadata
from analyzers.pipeline import analyze
from analyzers.report import Report
from sample_audio.committed import read_truth
from sample_audio.spec import CallTruth

GOLDEN_DIR = Path(__file__).resolve().parent
SAMPLES = GOLDEN_DIR.parents[2] / "sample_audio"
COMMITTED = sorted(p.name.removesuffix(".truth.json") for p in SAMPLES.glob("*.truth.json"))
TRANSCRIBED = ("good_call", "interrupting")
BENCHMARK_S = 300.0  # bench/bench_analysis.py's default --minutes 5


@dataclass(frozen=True)
class Case:
    name: str
    engine: str  # "none" or the default engine
    needs_espeak: bool = False

    @property
    def path(self) -> Path:
        return GOLDEN_DIR / f"{self.name}.{'none' if self.engine == 'none' else 'tiny_en'}.json"


def all_cases() -> list[Case]:
    cases = [Case(name, "none") for name in COMMITTED]
    cases.append(Case("good_call_mono", "none"))
    cases.append(Case("benchmark", "none", needs_espeak=True))
    cases += [Case(name, "faster-whisper") for name in TRANSCRIBED]
    return cases


def _truth(name: str) -> CallTruth:
    return read_truth(name, SAMPLES)


def _metadata(truth: CallTruth) -> CallMetadata:
    return CallMetadata(
        agent_name=truth.agent_name,
        customer_name=truth.customer_name,
        company_names=[truth.company] if truth.company else [],
    )


def _options(truth: CallTruth, engine: str) -> AnalysisOptions:
    return AnalysisOptions(
        agent_channel=truth.agent_channel,
        engine=engine,  # type: ignore[arg-type]
        language=truth.language if engine != "none" else "auto",  # type: ignore[arg-type]
    )


def _analyze_benchmark() -> Report:
    from sample_audio.callgen import benchmark_call, write_call

    with tempfile.TemporaryDirectory() as tmp:
        wav, _ = write_call(benchmark_call(duration_s=BENCHMARK_S), Path(tmp))
        # As bench_analysis.py runs it: default options but for the engine.
        return analyze(wav, AnalysisOptions(engine="none", language="en"))


def _analyze_mono() -> Report:
    stereo = load_audio(SAMPLES / "good_call.wav")
    mono = stereo.samples.mean(axis=0, keepdims=True)
    truth = _truth("good_call")
    audio = CallAudio(samples=mono, sample_rate=stereo.sample_rate)
    return analyze(audio, AnalysisOptions(engine="none"), metadata=_metadata(truth))


def run_case(case: Case) -> Report:
    special: dict[str, Callable[[], Report]] = {
        "benchmark": _analyze_benchmark,
        "good_call_mono": _analyze_mono,
    }
    if case.name in special:
        return special[case.name]()
    truth = _truth(case.name)
    return analyze(
        SAMPLES / f"{case.name}.wav", _options(truth, case.engine), metadata=_metadata(truth)
    )


def report_json(report: Report) -> dict:
    """The report as stored: everything but the stage timings."""
    return report.model_dump(mode="json", exclude={"timings_s"})
