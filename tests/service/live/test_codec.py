"""Stream audio decoding and the stored WAV header, against libsndfile (soundfile)."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from service.live.codec import decode, interleave, wav_header
from tests.service.live.clients import mulaw_tracks
from tests.service.live.conftest import DEAD_AIR


def test_mulaw_decodes_like_libsndfile() -> None:
    left, right, _ = mulaw_tracks(DEAD_AIR)
    expected, _ = sf.read(str(DEAD_AIR), dtype="float32")
    assert np.array_equal(decode(left.tobytes(), "mulaw"), expected[:, 0])
    assert np.array_equal(decode(right.tobytes(), "mulaw"), expected[:, 1])


def test_pcm16_decodes_little_endian_and_wants_whole_samples() -> None:
    assert decode(b"\x00\x80\xff\x7f\x00\x00", "pcm16").tolist() == [-1.0, 32767 / 32768, 0.0]
    with pytest.raises(ValueError, match="even"):
        decode(b"\x00\x00\x00", "pcm16")


@pytest.mark.parametrize("encoding", ["pcm16", "mulaw"])
def test_the_wav_header_is_one_libsndfile_reads(encoding: str) -> None:
    rng = np.random.default_rng(3)
    width = 2 if encoding == "pcm16" else 1
    left, right = (rng.integers(0, 256, 800 * width, dtype=np.uint8).tobytes() for _ in "lr")
    body = interleave(left, right, encoding)  # type: ignore[arg-type]
    wav = wav_header(encoding, 8000, 2, 800) + body  # type: ignore[arg-type]
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    assert rate == 8000 and samples.shape == (800, 2)
    assert np.array_equal(samples[:, 0], decode(left, encoding))  # type: ignore[arg-type]
    assert np.array_equal(samples[:, 1], decode(right, encoding))  # type: ignore[arg-type]
    assert sf.info(io.BytesIO(wav)).subtype == ("PCM_16" if encoding == "pcm16" else "ULAW")
