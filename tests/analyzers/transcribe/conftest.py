"""Loaded engines for the transcription tests, once per session (as the product caches them)."""

from __future__ import annotations

import pytest

from analyzers.transcribe import TranscriptionEngine, get_engine


@pytest.fixture(scope="session")
def tiny_engine() -> TranscriptionEngine:
    return get_engine("faster-whisper", "tiny.en")


@pytest.fixture(scope="session")
def base_engine() -> TranscriptionEngine:
    return get_engine("faster-whisper", "base")
