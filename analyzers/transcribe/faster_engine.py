"""faster-whisper (CTranslate2) engine: int8 on CPU, word timestamps."""

from __future__ import annotations

from typing import Any

import numpy as np

from analyzers.errors import ModelUnavailableError
from analyzers.transcribe.engine import (
    DEFAULT_DECODING,
    FASTER_WHISPER,
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
from analyzers.transcribe.models import resolve_model


class FasterWhisperEngine:
    name = FASTER_WHISPER

    def __init__(
        self,
        model: Any,
        model_name: str,
        *,
        decoding: DecodingSettings = DEFAULT_DECODING,
    ) -> None:
        self._model = model
        self.model_name = model_name
        self.multilingual = bool(model.model.is_multilingual)
        self.decoding = decoding

    @classmethod
    def load(
        cls,
        spec: str | None,
        *,
        compute_type: str = "int8",
        cpu_threads: int | None = None,
        decoding: DecodingSettings = DEFAULT_DECODING,
    ) -> FasterWhisperEngine:
        """Load a model once (see models.resolve_model for specs); never downloads offline."""
        source = resolve_model(spec)
        ensure_offline_env()  # before faster_whisper pulls in huggingface_hub / onnxruntime
        from faster_whisper import WhisperModel

        threads = cpu_threads or default_cpu_threads()
        target = str(source.path) if source.path is not None else str(source.hub_name)
        try:
            model = WhisperModel(
                target,
                device="cpu",
                compute_type=compute_type,
                cpu_threads=threads,
                local_files_only=source.path is None and hub_offline(),
            )
        except Exception as exc:  # hub, CTranslate2 and file errors all mean "cannot load"
            hint = (
                " (offline: set HF_HUB_OFFLINE=0 with network access to download it, "
                "or pass a local model directory)"
                if source.path is None and hub_offline()
                else ""
            )
            raise ModelUnavailableError(
                f"cannot load Whisper model {source.name!r}{hint}: {exc}"
            ) from exc
        return cls(model, source.name, decoding=decoding)

    def transcribe(
        self,
        audio_16k: np.ndarray,
        *,
        language: str | None,
        beam_size: int,
        initial_prompt: str | None = None,
    ) -> EngineResult:
        whisper_language = language_for_model(self.model_name, self.multilingual, language)
        d = self.decoding
        segments, info = self._model.transcribe(
            np.ascontiguousarray(audio_16k, dtype=np.float32),
            language=whisper_language,
            task="transcribe",
            beam_size=beam_size,
            best_of=5,
            temperature=list(d.temperatures),
            compression_ratio_threshold=d.compression_ratio_threshold,
            log_prob_threshold=d.log_prob_threshold,
            no_speech_threshold=d.no_speech_threshold,
            condition_on_previous_text=d.condition_on_previous_text,
            initial_prompt=initial_prompt,
            word_timestamps=True,
            vad_filter=False,  # we pass voice-active chunks already
        )
        return EngineResult(
            segments=tuple(_segment(s) for s in segments),
            language=from_whisper_language(info.language),
            language_probability=float(info.language_probability),
        )

    def detect_language(self, audio_16k: np.ndarray) -> LanguageGuess:
        if not self.multilingual:
            return LanguageGuess("en", None, {"en": 1.0})
        language, probability, all_probs = self._model.detect_language(
            np.ascontiguousarray(audio_16k, dtype=np.float32)
        )
        probabilities: dict[str, float] = {}
        for code, p in all_probs:
            ours = from_whisper_language(code)
            probabilities[ours] = probabilities.get(ours, 0.0) + float(p)
        return LanguageGuess(from_whisper_language(language), float(probability), probabilities)


def _segment(segment: Any) -> EngineSegment:
    words = tuple(
        EngineWord(w.word, float(w.start), float(w.end), float(w.probability))
        for w in (segment.words or [])
    )
    return EngineSegment(
        start_s=float(segment.start),
        end_s=float(segment.end),
        text=segment.text,
        words=words,
        avg_logprob=float(segment.avg_logprob),
        compression_ratio=float(segment.compression_ratio),
        no_speech_prob=float(segment.no_speech_prob),
    )
