"""The codec2-examples voices cut into utterances: each clip's speech is found inside
its stated bounds, it has words, and its voice is its recording's speaker."""

from __future__ import annotations

import pytest

from sample_audio import codec2_clips
from sample_audio.realcalls import load_prompt

pytestmark = pytest.mark.skipif(
    not codec2_clips.available(), reason="apt-get install codec2-examples"
)


@pytest.mark.parametrize("key", sorted(codec2_clips.CLIPS))
def test_every_clip_is_speech_inside_its_bounds(key: str) -> None:
    clip = codec2_clips.CLIPS[key]
    prompt = load_prompt(f"codec2:{key}")
    # The located speech lies within the stretch cut from the file: the stated bounds and
    # 0.3 s either side (a breath or a trailing sound there counts as the clip's).
    assert 1.0 <= prompt.speech_s <= clip.end_s - clip.start_s + 0.6
    assert prompt.speech_start_s >= 0.0 and prompt.text
    assert prompt.voice == clip.voice
    assert prompt.voice == codec2_clips.BRUCE_VOICE or prompt.voice.startswith("codec2:hts_")


def test_an_unknown_clip_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known"):
        load_prompt("codec2:no_such_clip")
