"""No network, ever, by default: loading a model and transcribing open no connection."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import numpy as np
import pytest

from analyzers.errors import ModelUnavailableError
from analyzers.transcribe import transcribe_channel
from analyzers.transcribe.faster_engine import FasterWhisperEngine
from tests.analyzers.transcribe.calls import short_english_call


class NetworkAttemptedError(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Make every way to open a connection (or resolve a name) fail, and record it."""
    attempts: list[str] = []

    def refuse(what: str):  # type: ignore[no-untyped-def]
        def _refuse(*args: object, **kwargs: object) -> None:
            attempts.append(f"{what}{args[1:] if what == 'connect' else args}")
            raise NetworkAttemptedError(f"network use during transcription: {what} {args}")

        return _refuse

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield attempts


def test_offline_defaults_are_set_by_the_package() -> None:
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    assert os.environ["HF_HUB_OFFLINE"] == "1"


@pytest.mark.slow
@pytest.mark.espeak
def test_load_and_transcribe_open_no_connection(no_network: list[str]) -> None:
    samples, sr, truth = short_english_call()
    first = truth.utterances[0]
    engine = FasterWhisperEngine.load("tiny.en")  # a fresh load, not the session's cached one
    words = transcribe_channel(
        samples[first.channel], sr, [(first.start_s, first.end_s)], engine, "en"
    )
    assert words  # it really ran
    assert engine.detect_language(np.zeros(16000, np.float32)).language == "en"
    assert no_network == []


def test_a_named_model_fails_offline_without_touching_the_network(no_network: list[str]) -> None:
    with pytest.raises(ModelUnavailableError, match="small"):
        FasterWhisperEngine.load("small")
    assert no_network == []
