"""Whisper transcription of voice-active stretches, words on the call timeline.

Modules, one concern each:
  env            offline / no-telemetry environment (set on import, before any model library)
  models         model spec -> local model files (bundled tiny.en, assembled base, named, dir)
  engine         the TranscriptionEngine protocol, result types, per-process engine cache
  faster_engine  faster-whisper (CTranslate2) implementation
  openai_engine  openai-whisper (PyTorch) implementation, optional extra
  chunks         voice-active stretches -> chunks of up to ~28 s with an exact time map
  guards         drop Whisper failure modes: hallucinated segments, phrases, loops
  channel        transcribe channels (chunk, resample, batch, map back, filter)
  language       which language: given, or detected with the country as a prior
  call           transcribe a call: language choice, model choice, every channel
  convert        CTranslate2 Whisper model.bin -> openai-whisper checkpoint (CLI)

Nothing heavy is imported here: faster_whisper / torch load on first use.
"""

from __future__ import annotations

from analyzers.transcribe.env import ensure_offline_env

ensure_offline_env()

from analyzers.transcribe.call import CallTranscript, transcribe_call  # noqa: E402
from analyzers.transcribe.channel import transcribe_channel  # noqa: E402
from analyzers.transcribe.engine import TranscriptionEngine  # noqa: E402
from analyzers.transcribe.loaded import get_engine  # noqa: E402
from analyzers.transcribe.models import default_model_for, resolve_model  # noqa: E402

__all__ = [
    "CallTranscript",
    "TranscriptionEngine",
    "default_model_for",
    "get_engine",
    "resolve_model",
    "transcribe_call",
    "transcribe_channel",
]
