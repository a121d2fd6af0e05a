"""The loaded transcription engines: one per (engine, model, compute type),
loaded on first use and shared by every call (loading tiny.en takes ~1 s).

Apart from ``engine.py`` so the engine types do not import their implementations.
"""

from __future__ import annotations

import threading

from analyzers.errors import ModelUnavailableError
from analyzers.transcribe.engine import (
    FASTER_WHISPER,
    OPENAI_WHISPER,
    TranscriptionEngine,
)

_ENGINES: dict[tuple[str, str, str], TranscriptionEngine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(
    engine: str = FASTER_WHISPER, model: str | None = None, *, compute_type: str = "int8"
) -> TranscriptionEngine:
    """The loaded engine for (engine, model, compute_type), loading it on first use.

    ``model`` is a spec for :func:`analyzers.transcribe.models.resolve_model`
    (None = bundled English). Raises ModelUnavailableError when it cannot load.
    """
    from analyzers.transcribe.models import ENGLISH_MODEL

    key = (engine, model or ENGLISH_MODEL, compute_type)
    with _ENGINES_LOCK:
        loaded = _ENGINES.get(key)
        if loaded is None:
            loaded = _load_engine(*key)
            _ENGINES[key] = loaded
        return loaded


def _load_engine(engine: str, model: str, compute_type: str) -> TranscriptionEngine:
    if engine == FASTER_WHISPER:
        from analyzers.transcribe.faster_engine import FasterWhisperEngine

        return FasterWhisperEngine.load(model, compute_type=compute_type)
    if engine == OPENAI_WHISPER:
        from analyzers.transcribe.openai_engine import OpenAIWhisperEngine

        return OpenAIWhisperEngine.load(model)
    raise ModelUnavailableError(f"unknown transcription engine {engine!r}")
