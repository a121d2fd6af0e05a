"""Each committed sample call produces exactly the findings its truth file promises.

The real default engine (faster-whisper tiny.en) on the committed files, analysed
with the options ``serve --load-samples`` gives them (service/samples.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from sample_audio import realcalls
from sample_audio.committed import SAMPLES, expected_findings, sample_spec

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_audio"


def _truth(name: str) -> dict[str, object]:
    return dict(json.loads((SAMPLE_DIR / f"{name}.truth.json").read_text(encoding="utf-8")))


def test_every_committed_wav_is_a_recipe() -> None:
    assert sorted(p.stem for p in SAMPLE_DIR.glob("*.wav")) == sorted(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_produces_exactly_its_findings(name: str) -> None:
    truth = _truth(name)
    options = AnalysisOptions(
        agent_channel=int(truth["agent_channel"]),  # type: ignore[call-overload]
        country=str(truth["country"]) if truth.get("country") else None,
        language="en",
    )
    report = analyze(SAMPLE_DIR / f"{name}.wav", options)
    assert report.language == "en"
    problems = {f.rule for f in report.findings if f.severity != "info"}
    assert sorted(problems) == truth["expected_findings"]
    assert not [u for u in report.unmeasured if u.rule in ("opening", "closing")]


@pytest.mark.skipif(not realcalls.available(), reason="speech corpora not installed")
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_committed_truth_matches_its_recipe(name: str) -> None:
    _, _, fresh = realcalls.build_real_call(sample_spec(name))
    truth = _truth(name)
    assert [u["text"] for u in truth["utterances"]] == [u.text for u in fresh.utterances]  # type: ignore[union-attr]
    assert truth["expected_findings"] == expected_findings(name, fresh)
