"""Voice embeddings: computed over a voice's speech alone, they equal the embedding
taken from the whole channel's features (the same frames, the same samples in each)."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.activity import detect_activity
from analyzers.audio import load_audio
from analyzers.speaker_embedding import cepstra, mel_power, voice_embedding
from sample_audio.committed import SAMPLE_DIR


@pytest.mark.parametrize("name", ["good_call", "interrupting"])
def test_the_speech_alone_gives_the_whole_channels_embedding(name: str) -> None:
    call = load_audio(SAMPLE_DIR / f"{name}.wav")
    activity = detect_activity(call.samples, call.sample_rate)
    for channel, speech in enumerate(activity):
        x = call.samples[channel]
        whole = voice_embedding(
            x, call.sample_rate, speech, cepstra(mel_power(x, call.sample_rate))
        )
        alone = voice_embedding(x, call.sample_rate, speech)
        assert speech and np.abs(whole).max() > 0
        np.testing.assert_allclose(alone, whole, atol=1e-5)


def test_mel_power_of_some_frames_is_those_rows_of_the_whole() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(8000 * 3).astype(np.float32)
    whole = mel_power(x, 8000)
    np.testing.assert_allclose(mel_power(x, 8000, 37, 151), whole[37:151], rtol=1e-5)
    assert mel_power(x, 8000, 290, 10_000).shape == whole[290:].shape
