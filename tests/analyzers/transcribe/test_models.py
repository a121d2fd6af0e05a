"""Model resolution: bundled English, assembled multilingual base, named models offline."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from analyzers.errors import ModelUnavailableError
from analyzers.transcribe import models
from analyzers.transcribe.loaded import get_engine
from analyzers.transcribe.models import (
    assemble_multilingual_base,
    default_model_for,
    models_cache_dir,
    resolve_model,
)


def test_default_english_is_the_bundled_tiny_en() -> None:
    source = resolve_model(None)
    assert source.name == "tiny.en"
    assert source.path is not None and (source.path / "model.bin").is_file()
    assert source.multilingual is False


@pytest.mark.parametrize(
    ("language", "model"),
    [("en", "tiny.en"), ("sv", "base"), ("nb", "base"), ("el", "base"), ("auto", "base")],
)
def test_default_model_per_language(language: str, model: str) -> None:
    assert default_model_for(language) == model


def test_base_is_assembled_once_atomically_and_reused(tmp_path: Path) -> None:
    target = assemble_multilingual_base(tmp_path)
    parts = [models._package_data_dir(package) / name for package, name in models._BASE_PARTS]
    expected = sum(p.stat().st_size for p in parts)
    model_bin = target / "model.bin"
    assert model_bin.stat().st_size == expected
    with open(model_bin, "rb") as f, open(parts[0], "rb") as first:
        assert f.read(1 << 16) == first.read(1 << 16)  # starts with part 1
    assert {p.name for p in target.iterdir()} == {
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.txt",
    }  # no temporary files left behind
    stamp = model_bin.stat().st_mtime_ns
    assert assemble_multilingual_base(tmp_path) == target
    assert model_bin.stat().st_mtime_ns == stamp  # reused, not rewritten


def test_a_truncated_assembly_is_rebuilt(tmp_path: Path) -> None:
    target = assemble_multilingual_base(tmp_path)
    model_bin = target / "model.bin"
    size = model_bin.stat().st_size
    with open(model_bin, "r+b") as f:
        f.truncate(size // 3)
    assemble_multilingual_base(tmp_path)
    assert model_bin.stat().st_size == size


def test_base_without_the_extra_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        models, "_BASE_PARTS", (("callcoach_no_such_package_part1", "model.bin.part1"),)
    )
    with pytest.raises(ModelUnavailableError, match=r"callcoach\[multilingual\]"):
        resolve_model("base", cache_dir=tmp_path)


def test_cache_dir_follows_xdg_and_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLCOACH_MODEL_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert models_cache_dir() == tmp_path / "callcoach" / "models"
    monkeypatch.setenv("CALLCOACH_MODEL_CACHE", str(tmp_path / "elsewhere"))
    assert models_cache_dir() == tmp_path / "elsewhere"


def test_a_directory_is_used_as_is_and_must_hold_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match=r"model\.bin"):
        resolve_model(str(tmp_path))
    bundled = resolve_model("tiny.en").path
    assert bundled is not None
    assert resolve_model(str(bundled)).path == bundled
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        resolve_model(str(tmp_path / "missing" / "model"))


def test_named_model_is_left_to_faster_whisper() -> None:
    source = resolve_model("small")
    assert source.path is None and source.hub_name == "small"


def test_named_model_offline_fails_fast_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"  # set by the package on import
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="small"):
        get_engine("faster-whisper", "small")
    assert time.monotonic() - started < 20.0  # an error, not a network timeout


def test_unknown_engine_is_a_clear_error() -> None:
    with pytest.raises(ModelUnavailableError, match="unknown transcription engine"):
        get_engine("whisper.cpp", "tiny.en")
