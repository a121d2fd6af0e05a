"""``callcoach analyze`` as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

SAMPLES = Path(__file__).resolve().parents[2] / "sample_audio"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from service.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "analyze", *args], capture_output=True, text=True, timeout=600
    )


def test_json_report_on_stdout(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = _run(str(SAMPLES / "late_pickup.wav"), "--engine", "none", "--json", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["schema_version"] == 1
    assert report["pickup"]["rings"] == 5 and report["pickup"]["ringback_country"] == "GB"
    assert [f["rule"] for f in report["findings"] if f["severity"] != "info"] == ["pickup_delay"]
    assert json.loads(out.read_text()) == report


def test_readable_report_and_profile_override(tmp_path: Path) -> None:
    profile = tmp_path / "lenient.toml"
    profile.write_text("[pickup_delay]\nmax_rings = 6\n")
    proc = _run(str(SAMPLES / "late_pickup.wav"), "--engine", "none", "--profile", str(profile))
    assert proc.returncode == 0, proc.stderr
    assert "Metrics against ranges" in proc.stdout and "ring 2–6" in proc.stdout
    # late_pickup: UK, answered at the end of the 5th ring's cycle (15.0 s).
    assert "Pickup ring 5, answered at 15.0 s, 15.0 s after the first ring (audio)" in proc.stdout
    assert "Answered on ring 5" not in proc.stdout


def test_agent_channel_option_swaps_parties() -> None:
    a = json.loads(_run(str(SAMPLES / "interrupting.wav"), "--engine", "none", "--json").stdout)
    b = json.loads(
        _run(
            str(SAMPLES / "interrupting.wav"), "--engine", "none", "--json", "--agent-channel", "1"
        ).stdout
    )
    assert [i["by"] for i in a["interruptions"]] == ["agent", "agent"]
    assert [i["by"] for i in b["interruptions"]] == ["customer", "customer"]


def test_agent_channel_auto_finds_the_agent_and_says_why() -> None:
    call = str(SAMPLES / "interrupting.wav")
    report = json.loads(_run(call, "--engine", "none", "--json", "--agent-channel", "auto").stdout)
    assert report["agent_channel"] == 0  # the truth's: the agent answers on channel 0
    assert "heard first" in report["separation"]["agent"]
    assert [i["by"] for i in report["interruptions"]] == ["agent", "agent"]


def _empty(d: Path) -> Path:
    (d / "empty.wav").write_bytes(b"")
    return d / "empty.wav"


def _text(d: Path) -> Path:
    (d / "notes.wav").write_text("hello, this is not audio")
    return d / "notes.wav"


def _four_channels(d: Path) -> Path:
    sf.write(d / "four.wav", np.zeros((8000, 4), dtype=np.float32), 8000)
    return d / "four.wav"


def _missing(d: Path) -> Path:
    return d / "missing.wav"


@pytest.mark.parametrize(
    ("make", "needle"),
    [(_empty, "empty"), (_text, "not"), (_four_channels, "4 channels"), (_missing, "no such file")],
)
def test_bad_input_is_one_clear_line_and_nonzero_exit(tmp_path: Path, make, needle: str) -> None:
    path = make(tmp_path)
    proc = _run(str(path), "--engine", "none")
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    assert needle in lines[0].lower()
    assert "Traceback" not in proc.stderr


def test_bad_profile_and_bad_option() -> None:
    proc = _run(str(SAMPLES / "good_call.wav"), "--profile", "/nonexistent.toml")
    assert proc.returncode == 1 and "profile file not found" in proc.stderr
    proc = _run(str(SAMPLES / "good_call.wav"), "--language", "fr")
    assert proc.returncode == 2 and "language" in proc.stderr
    proc = _run(str(SAMPLES / "good_call.wav"), "--agent-channel", "2")
    assert proc.returncode == 2 and "--agent-channel" in proc.stderr


def test_render_report_prints_findings_at_their_clock_time() -> None:
    from rich.console import Console

    from analyzers.cli import render_report
    from analyzers.report import Finding, Parties, Pickup, Report

    finding = Finding(
        rule="pickup_delay", severity="warning", start_s=65.3, end_s=66.0, value=4.0,
        expected="≤ 3", message="answered late", advice="answer sooner",
    )  # fmt: skip
    report = Report(
        duration_s=90.0, sample_rate=8000, channels=2, ranges_profile="default",
        pickup=Pickup(rings=4, answered_at_s=65.3, source="audio"), parties=Parties(),
        findings=[finding],
    )  # fmt: skip
    console = Console(record=True, width=120)
    render_report(report, console)
    text = console.export_text()
    assert "Findings (1)" in text and "1:05.3  warning  pickup_delay: 4.0 (expected ≤ 3)" in text


def test_company_option_is_repeatable_and_reaches_the_report() -> None:
    proc = _run(
        str(SAMPLES / "late_pickup.wav"),
        "--engine",
        "none",
        "--json",
        "--company",
        "Acme Telecom",
        "--company",
        "Acme",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["context"]["company_names"] == ["Acme Telecom", "Acme"]
