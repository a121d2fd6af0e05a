"""faster-whisper (CTranslate2) engine: int8 on CPU, word timestamps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analyzers.errors import ModelUnavailableError
from analyzers.transcribe.engine import (
    DEFAULT_DECODING,
    FASTER_WHISPER,
    SAMPLE_RATE,
    WINDOW_S,
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

    def decoding_options(self, beam_size: int) -> dict[str, object]:
        """The faster-whisper ``transcribe`` options of this engine's decoding."""
        d = self.decoding
        return {
            "task": "transcribe",
            "beam_size": beam_size,
            "best_of": 5,
            "temperature": list(d.temperatures),
            "compression_ratio_threshold": d.compression_ratio_threshold,
            "log_prob_threshold": d.log_prob_threshold,
            "no_speech_threshold": d.no_speech_threshold,
            "condition_on_previous_text": d.condition_on_previous_text,
            "word_timestamps": True,
            "without_timestamps": not d.timestamps,
        }

    def transcribe(
        self,
        audio_16k: np.ndarray,
        *,
        language: str | None,
        beam_size: int,
        initial_prompt: str | None = None,
    ) -> EngineResult:
        whisper_language = language_for_model(self.model_name, self.multilingual, language)
        segments, info = self._model.transcribe(
            np.ascontiguousarray(audio_16k, dtype=np.float32),
            language=whisper_language,
            initial_prompt=initial_prompt,
            vad_filter=False,  # we pass voice-active chunks already
            **self.decoding_options(beam_size),
        )
        return EngineResult(
            segments=tuple(_segment(s) for s in segments),
            language=from_whisper_language(info.language),
            language_probability=float(info.language_probability),
        )

    def transcribe_chunks(
        self,
        chunks: Sequence[np.ndarray],
        *,
        language: str | None,
        beam_size: int,
        initial_prompt: str | None = None,
        on_progress: ChunksDone | None = None,
    ) -> list[EngineResult]:
        """Chunks decoded ``batch_size`` at a time; a chunk that fails Whisper's
        checks is decoded again alone, with the temperature fallback."""
        results: list[EngineResult] = []
        size = max(1, self.decoding.batch_size)
        for at in range(0, len(chunks), size):
            batch = chunks[at : at + size]
            decoded = self._decode_batch(
                batch, language=language, beam_size=beam_size, initial_prompt=initial_prompt
            )
            for chunk, result in zip(batch, decoded, strict=True):
                if any(self.decoding.needs_fallback(s) for s in result.segments):
                    result = self.transcribe(
                        chunk, language=language, beam_size=beam_size, initial_prompt=initial_prompt
                    )
                results.append(result)
            if on_progress is not None:
                on_progress(len(results))
        return results

    def _decode_batch(
        self,
        chunks: Sequence[np.ndarray],
        *,
        language: str | None,
        beam_size: int,
        initial_prompt: str | None,
    ) -> list[EngineResult]:
        """One batched pass at the first temperature (faster-whisper's batched
        pipeline). Each chunk gets its own 30 s slot, so a segment's slot (from
        its seek) says which chunk it came from."""
        from faster_whisper import BatchedInferencePipeline

        slot = WINDOW_S * SAMPLE_RATE
        audio = np.zeros(slot * len(chunks), dtype=np.float32)
        clips = []
        for i, chunk in enumerate(chunks):
            if len(chunk) > slot:
                seconds = len(chunk) / SAMPLE_RATE
                raise ValueError(f"chunk {i} is {seconds:.1f} s, over {WINDOW_S} s")
            audio[i * slot : i * slot + len(chunk)] = chunk
            clips.append({"start": i * WINDOW_S, "end": (i * slot + len(chunk)) / SAMPLE_RATE})
        d = self.decoding
        segments, info = BatchedInferencePipeline(self._model).transcribe(
            audio,
            language=language_for_model(self.model_name, self.multilingual, language),
            beam_size=beam_size,
            temperature=d.temperatures[0],
            initial_prompt=initial_prompt,
            word_timestamps=True,
            without_timestamps=not d.timestamps,
            clip_timestamps=clips,
            batch_size=len(chunks),
        )
        per_chunk: list[list[EngineSegment]] = [[] for _ in chunks]
        frames_per_slot = WINDOW_S * self._model.frames_per_second
        for segment in segments:
            i = segment.seek // frames_per_slot
            per_chunk[i].append(_segment(segment, shift_s=-float(i * WINDOW_S)))
        language_found = from_whisper_language(info.language)
        return [
            EngineResult(tuple(found), language_found, float(info.language_probability))
            for found in per_chunk
        ]

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


def _segment(segment: Any, shift_s: float = 0.0) -> EngineSegment:
    words = tuple(
        EngineWord(w.word, float(w.start) + shift_s, float(w.end) + shift_s, float(w.probability))
        for w in (segment.words or [])
    )
    return EngineSegment(
        start_s=float(segment.start) + shift_s,
        end_s=float(segment.end) + shift_s,
        text=segment.text,
        words=words,
        avg_logprob=float(segment.avg_logprob),
        compression_ratio=float(segment.compression_ratio),
        no_speech_prob=float(segment.no_speech_prob),
    )
