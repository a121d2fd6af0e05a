"""Report stage: the stages' results in the report, turns with levels and words."""

from __future__ import annotations

from analyzers.options import CallMetadata
from analyzers.report import Parties, Word
from analyzers.stages.conversation import measure_conversation
from analyzers.stages.loudness import measure_loudness
from analyzers.stages.nonspeech import NonSpeech
from analyzers.stages.report import StageResults, build_report
from analyzers.stages.transcription import Transcript
from tests.analyzers.stages.calls import PROFILE, early_stages


def _report(mono: bool, transcript: Transcript, metadata: CallMetadata | None = None):  # type: ignore[no-untyped-def]
    call, pickup, activity, parties = early_stages("good_call", mono)
    conversation = measure_conversation(activity, parties, pickup, PROFILE)
    loudness = measure_loudness(call, activity, parties, conversation.turns)
    nonspeech = NonSpeech(holds=[], tones=[], activity=activity)
    found = StageResults(
        pickup, parties, conversation, loudness, transcript, Parties(), None, nonspeech
    )
    return build_report(call, found, metadata, PROFILE), conversation, loudness


def test_turns_carry_their_level_and_words() -> None:
    call, _, _, _ = early_stages("good_call")
    empty, conversation, loudness = _report(False, Transcript(language=None))
    first = conversation.turns[0]
    word = Word(word=" Hello", start_s=first.start_s, end_s=first.start_s + 0.3)
    report, _, _ = _report(False, Transcript("en", "faster-whisper", "tiny.en", {"agent": [word]}))
    assert [t.level_dbov for t in report.turns] == loudness.turn_dbov
    assert report.turns[0].words == [word] and report.turns[0].text == "Hello"
    assert all(t.text is None for t in empty.turns)
    assert (report.language, report.engine, report.model) == ("en", "faster-whisper", "tiny.en")
    assert (report.sample_rate, report.channels, report.agent_channel) == (8000, 2, 0)
    assert report.duration_s == round(call.recording.duration_s, 3)


def test_mono_has_no_agent_channel_and_metadata_becomes_context() -> None:
    metadata = CallMetadata(agent_name="Anna", customer_name="Peter", company_names=["Nordic"])
    report, _, _ = _report(True, Transcript(language=None), metadata)
    assert report.agent_channel is None and report.channels == 1
    assert report.context.agent_name == "Anna" and report.context.company_names == ["Nordic"]
