"""Over 200 bad recordings through ``callcoach analyze``: each ends in one typed error
line or a report that says what is wrong with it; never a traceback, a hang, stray
library notes on stderr, or a clean bill of health for garbage.

The corpus is built at test time (tests/analyzers/bad_inputs.py). All files go through
one subprocess running the CLI's command object per file (tests/analyzers/cli_batch.py,
a per-file alarm bounds each); a few also go through the real console entry point.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analyzers.bad_inputs import BadInput, build_corpus

REPO = Path(__file__).resolve().parents[2]
_ERROR_LINE = re.compile(r"^error: .+ \[[a-z_]+\]$")
_PARTIAL_LINE = re.compile(r"^error: .+: partial report \(([a-z_, ]+)\): .+$")
_PER_FILE_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[BadInput]:
    return build_corpus(tmp_path_factory.mktemp("bad_inputs"))


@pytest.fixture(scope="module")
def cli_results(corpus: list[BadInput]) -> dict[str, dict[str, object]]:
    paths = [str(case.path) for case in corpus]
    batch = ["-m", "tests.analyzers.cli_batch", "--timeout", str(_PER_FILE_TIMEOUT_S), *paths]
    done = _python(*batch, "--", "--engine", "none", "--json", timeout_s=600)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {Path(str(row["path"])).name: row for row in rows}


def check_outcome(case: BadInput, code: object, stdout: str, stderr: str) -> None:
    """The contract for one bad input through the CLI."""
    assert code not in ("timeout", "traceback"), f"{case.id}: {code}\n{stderr}"
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    if code == 0:  # a whole recording after all (e.g. an Ogg cut at a page boundary)
        assert case.expect != "error" and not case.needs_warning, f"{case.id}: exit 0"
        assert not lines, f"{case.id}: {lines}"
        assert json.loads(stdout)["warnings"] == []
        return
    assert len(lines) == 1, f"{case.id}: stderr must be one line, got {lines}"
    line = lines[0]
    if code == 1:
        assert _ERROR_LINE.match(line), f"{case.id}: {line!r}"
        return
    assert case.expect != "error", f"{case.id} must be rejected, got exit {code}: {line}"
    assert code == 3, f"{case.id}: a report from bad input is partial (exit 3), got {code}"
    partial = _PARTIAL_LINE.match(line)
    assert partial, f"{case.id}: {line!r}"
    report = json.loads(stdout)
    codes = {w["code"] for w in report["warnings"]}
    assert codes == set(partial.group(1).split(", ")), (codes, line)
    if case.needs_warning and report["duration_s"] < 11.9:
        assert codes & {"truncated", "damaged"}, f"{case.id}: cut off, but {codes}"
    assert not all(m["status"] == "ok" for m in report["metrics"]), case.id


def test_corpus_is_big_and_varied(corpus: list[BadInput]) -> None:
    assert len(corpus) >= 200
    assert {case.path.suffix for case in corpus} >= {".wav", ".flac", ".mp3", ".ogg", ".opus"}
    assert sum(case.expect == "error" for case in corpus) >= 90


def test_every_bad_input_through_the_cli(
    corpus: list[BadInput], cli_results: dict[str, dict[str, object]]
) -> None:
    failures = []
    for case in corpus:
        row = cli_results.get(case.id)
        if row is None:
            failures.append(f"{case.id}: no result (the batch died on it?)")
            continue
        try:
            check_outcome(case, row["code"], str(row["stdout"]), str(row["stderr"]))
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, f"{len(failures)} of {len(corpus)} failed:\n" + "\n".join(failures)


def test_truncated_recordings_are_reported_as_truncated(
    cli_results: dict[str, dict[str, object]],
) -> None:
    """Cut-off WAV and FLAC files past their header: a report of what is there."""
    truncated = [
        json.loads(str(row["stdout"]))
        for name, row in cli_results.items()
        if name.startswith("cut") and row["code"] == 3 and name.endswith((".wav", ".flac"))
    ]
    assert len(truncated) >= 15
    for report in truncated:
        warning = next(w for w in report["warnings"] if w["code"] in ("truncated", "damaged"))
        if warning["code"] == "truncated":
            assert warning["declared_duration_s"] == pytest.approx(12.0, abs=0.05)
            assert warning["decoded_duration_s"] == pytest.approx(report["duration_s"], abs=0.01)


def _python(*args: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def _console(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``python -m service.cli analyze PATH --engine none --json OPTIONS`` in its own process."""
    return _python(
        "-m",
        "service.cli",
        "analyze",
        str(path),
        "--engine",
        "none",
        "--json",
        *options,
        timeout_s=120,
    )


@pytest.mark.parametrize(
    "name", ["utf16_as.wav", "random100000.mp3", "cut3000_wav.wav", "rate200000.wav"]
)
def test_console_entry_point(corpus: list[BadInput], name: str) -> None:
    """The real console entry point on a few of them, each in its own process."""
    case = next(c for c in corpus if c.id == name)
    done = _console(case.path)
    check_outcome(case, done.returncode, done.stdout, done.stderr)


def test_allow_partial_exits_zero_with_the_warning(corpus: list[BadInput]) -> None:
    case = next(c for c in corpus if c.id == "cut192022_wav.wav")
    done = _console(case.path, "--allow-partial")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("warning: truncated: recording is truncated")
    assert json.loads(done.stdout)["warnings"][0]["code"] == "truncated"
