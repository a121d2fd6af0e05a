"""openai-whisper (PyTorch) engine: the reference implementation, optional extra.

The bundled models are CTranslate2 files, so they are converted once to an
openai-whisper checkpoint in the model cache (see convert.py). Named models
("small", ...) come from openai-whisper's own cache and are downloaded only
when HF_HUB_OFFLINE allows (the one offline switch for both engines).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from analyzers.errors import ModelUnavailableError
from analyzers.transcribe.engine import (
    DEFAULT_DECODING,
    OPENAI_WHISPER,
    ChunksDone,
    DecodingSettings,
    EngineResult,
    EngineSegment,
    EngineWord,
    LanguageGuess,
    default_cpu_threads,
    from_whisper_language,
    language_for_model,
)
from analyzers.transcribe.env import ensure_offline_env, hub_offline
from analyzers.transcribe.models import models_cache_dir, resolve_model


class OpenAIWhisperEngine:
    name = OPENAI_WHISPER

    def __init__(
        self, model: Any, model_name: str, *, decoding: DecodingSettings = DEFAULT_DECODING
    ) -> None:
        self._model = model
        self.model_name = model_name
        self.multilingual = bool(model.is_multilingual)
        self.decoding = decoding

    @classmethod
    def load(
        cls, spec: str | None, *, decoding: DecodingSettings = DEFAULT_DECODING
    ) -> OpenAIWhisperEngine:
        ensure_offline_env()
        try:
            import torch
            import whisper
        except ImportError as exc:
            raise ModelUnavailableError(
                "the openai-whisper engine is not installed: pip install 'callcoach[openai]'"
            ) from exc
        torch.set_num_threads(default_cpu_threads())
        if spec and spec.endswith(".pt") and Path(spec).is_file():
            return cls(_load_checkpoint(Path(spec)), spec, decoding=decoding)
        source = resolve_model(spec)
        if source.path is not None:
            checkpoint = converted_checkpoint(source.path, source.name)
            return cls(_load_checkpoint(checkpoint), source.name, decoding=decoding)
        name = str(source.hub_name)
        root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "whisper"
        url = whisper._MODELS.get(name)
        if url is None:
            raise ModelUnavailableError(f"openai-whisper has no model named {name!r}")
        if hub_offline() and not (root / os.path.basename(url)).is_file():
            raise ModelUnavailableError(
                f"openai-whisper model {name!r} is not in {root} and downloads are off "
                "(HF_HUB_OFFLINE=1)"
            )
        try:
            model = whisper.load_model(name, device="cpu", download_root=str(root))
        except (OSError, RuntimeError) as exc:
            raise ModelUnavailableError(
                f"cannot load openai-whisper model {name!r}: {exc}"
            ) from exc
        return cls(model, name, decoding=decoding)

    def transcribe(
        self,
        audio_16k: np.ndarray,
        *,
        language: str | None,
        beam_size: int,
        initial_prompt: str | None = None,
    ) -> EngineResult:
        import whisper

        whisper_language = language_for_model(self.model_name, self.multilingual, language)
        d = self.decoding
        result = whisper.transcribe(
            self._model,
            np.ascontiguousarray(audio_16k, dtype=np.float32),
            verbose=None,
            language=whisper_language,
            task="transcribe",
            temperature=d.temperatures,
            compression_ratio_threshold=d.compression_ratio_threshold,
            logprob_threshold=d.log_prob_threshold,
            no_speech_threshold=d.no_speech_threshold,
            condition_on_previous_text=d.condition_on_previous_text,
            initial_prompt=initial_prompt,
            word_timestamps=True,
            without_timestamps=not d.timestamps,
            fp16=False,
            beam_size=beam_size,
            best_of=5,
        )
        segments = tuple(_segment(s) for s in result["segments"])
        return EngineResult(segments, from_whisper_language(result["language"]), None)

    def transcribe_chunks(
        self,
        chunks: Sequence[np.ndarray],
        *,
        language: str | None,
        beam_size: int,
        initial_prompt: str | None = None,
        on_progress: ChunksDone | None = None,
    ) -> list[EngineResult]:
        """One at a time: openai-whisper's transcribe has no batched decoding."""
        results: list[EngineResult] = []
        for chunk in chunks:
            results.append(
                self.transcribe(
                    chunk, language=language, beam_size=beam_size, initial_prompt=initial_prompt
                )
            )
            if on_progress is not None:
                on_progress(len(results))
        return results

    def detect_language(self, audio_16k: np.ndarray) -> LanguageGuess:
        if not self.multilingual:
            return LanguageGuess("en", None, {"en": 1.0})
        import whisper

        audio = whisper.pad_or_trim(np.ascontiguousarray(audio_16k, dtype=np.float32))
        mel = whisper.log_mel_spectrogram(audio, n_mels=self._model.dims.n_mels)
        _, probs = self._model.detect_language(mel)
        probabilities: dict[str, float] = {}
        for code, p in probs.items():
            ours = from_whisper_language(code)
            probabilities[ours] = probabilities.get(ours, 0.0) + float(p)
        best = max(probabilities, key=probabilities.__getitem__)
        return LanguageGuess(best, probabilities[best], probabilities)


def converted_checkpoint(ct2_dir: Path, name: str) -> Path:
    """The openai-whisper checkpoint for a CTranslate2 directory, converted on first use.

    Keyed by the model.bin's path, size and mtime, so a changed model is
    converted again rather than served stale.
    """
    from analyzers.transcribe.convert import convert

    model_bin = ct2_dir / "model.bin"
    stat = model_bin.stat()
    key = f"{model_bin.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(name).name)
    target = models_cache_dir() / "openai-whisper" / f"{safe}-{digest}.pt"
    if not target.is_file():
        try:
            convert(ct2_dir, target)
        except OSError as exc:
            raise ModelUnavailableError(f"cannot write converted model {target}: {exc}") from exc
    return target


def _load_checkpoint(path: Path) -> Any:
    """whisper.load_model's steps, plus the alignment heads the converter stored."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
        model = Whisper(ModelDimensions(**checkpoint["dims"]))
        model.load_state_dict(checkpoint["model_state_dict"])
    except (OSError, RuntimeError, KeyError, TypeError) as exc:
        raise ModelUnavailableError(f"cannot load openai-whisper checkpoint {path}: {exc}") from exc
    heads = checkpoint.get("alignment_heads")
    if heads:
        mask = torch.zeros(model.dims.n_text_layer, model.dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return model.eval()


def _segment(segment: dict[str, Any]) -> EngineSegment:
    words = tuple(
        EngineWord(w["word"], float(w["start"]), float(w["end"]), float(w["probability"]))
        for w in segment.get("words", [])
    )
    return EngineSegment(
        start_s=float(segment["start"]),
        end_s=float(segment["end"]),
        text=segment["text"],
        words=words,
        avg_logprob=float(segment["avg_logprob"]),
        compression_ratio=float(segment["compression_ratio"]),
        no_speech_prob=float(segment["no_speech_prob"]),
    )
