import numpy as np

from analyzers.redaction.audio import BlankSettings, blank_audio, padded_spans

SR = 8000


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, dtype=np.float64) ** 2) + 1e-12))


def _speechlike(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(1)
    return (0.3 * rng.standard_normal((2, int(seconds * SR)))).astype(np.float32)


def test_silence_mode_zeroes_every_channel_over_the_padded_span() -> None:
    audio = _speechlike(3.0)
    out = blank_audio(audio, SR, [(1.0, 1.5)], "silence", BlankSettings(0.1, 0.2))
    assert np.all(out[:, int(0.9 * SR) : int(1.7 * SR)] == 0)
    assert np.array_equal(out[:, : int(0.89 * SR)], audio[:, : int(0.89 * SR)])
    assert np.array_equal(out[:, int(1.71 * SR) :], audio[:, int(1.71 * SR) :])
    assert np.shares_memory(out, audio) is False


def test_tone_mode_replaces_the_span_by_a_steady_tone() -> None:
    audio = _speechlike(3.0)
    out = blank_audio(audio, SR, [(1.0, 2.0)], "tone")
    span = out[0, int(1.0 * SR) : int(2.0 * SR)]
    spectrum = np.abs(np.fft.rfft(span)) ** 2
    freqs = np.fft.rfftfreq(len(span), 1 / SR)
    near_tone = spectrum[np.abs(freqs - 1000) < 20].sum()
    assert near_tone / spectrum.sum() > 0.99  # nothing of the voice is left
    assert abs(_db(span) - (-20 - 3.0)) < 0.5  # a -20 dBFS sine: -23 dB mean power
    np.testing.assert_array_equal(out[0, SR : 2 * SR], out[1, SR : 2 * SR])


def test_spans_are_padded_clipped_and_merged() -> None:
    spans = padded_spans([(0.05, 0.5), (0.8, 1.0), (2.9, 3.0)], 3.0, BlankSettings(0.15, 0.4))
    assert spans == [(0.0, 1.4), (2.75, 3.0)]


def test_mono_input_keeps_its_shape() -> None:
    mono = _speechlike(1.0)[0]
    assert blank_audio(mono, SR, [(0.2, 0.4)], "silence").shape == mono.shape
