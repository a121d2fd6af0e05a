"""What a synthetic call is made of (``CallSpec``) and what was built (``CallTruth``).

Times in the truth are seconds from the start of the recording. Levels are
active speech levels (ITU-T P.56) in dBov, see ``sample_audio.levels``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Party = Literal["agent", "customer"]
Style = Literal["normal", "shout", "whisper"]
Language = Literal["en", "sv", "nb", "el"]

# Gain of a style relative to the speaker's normal level. Chosen with a 4 dB
# margin over the default profile's thresholds (raised voice >= 6 dB above
# the speaker's median, whisper >= 10 dB below) so the truth is unambiguous.
STYLE_GAIN_DB: dict[str, float] = {"normal": 0.0, "shout": 10.0, "whisper": -14.0}


def count_words(text: str) -> int:
    """Words as the analysis counts a transcript's words (analyzers.speech_rate): "you're" = 1,
    "14th" = 1, "e-post" = 1; punctuation alone is no word."""
    from analyzers.report import Word
    from analyzers.speech_rate import count_words as count_transcript_words

    return count_transcript_words(
        [Word(word=f" {token}", start_s=0.0, end_s=0.0) for token in text.split()]
    )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Utterance(_Model):
    """One turn of one party, spoken by espeak-ng."""

    party: Party
    text: str = Field(min_length=1)
    voice: str = Field("en-us+m3", description="espeak-ng voice, optionally +variant")
    language: Language = "en"
    wpm: int = Field(
        150,
        ge=60,
        le=400,
        description="target words per minute over the utterance (calibrated, see truth)",
    )
    pitch: int = Field(50, ge=0, le=99, description="espeak-ng -p base pitch")
    pitch_range: int = Field(
        50, ge=0, le=100, description="0 = flat, 50 = voice's own range, 100 = widest"
    )
    style: Style = "normal"
    gap_before_s: float = Field(
        0.6,
        description="silence after the previous utterance ends (the answer for the first); "
        "negative = starts before it ends (overlap)",
    )


class CallSpec(_Model):
    name: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    country: str | None = Field(
        "SE", description="ringback plan; None = recording starts at answer"
    )
    rings: int = Field(2, ge=1, le=12)
    answer_in_cycle_s: float | None = Field(
        None,
        gt=0,
        description="seconds from the last ring's onset to the answer (after its tone, "
        "within its cycle); None = the end of the cycle, just before the next ring",
    )
    sample_rate: int = Field(8000, ge=8000, le=48000)
    agent_channel: int = Field(0, ge=0, le=1)
    utterances: list[Utterance] = Field(min_length=1)
    agent_level_dbov: float = Field(-28.0, le=-10.0, description="agent's normal speech level")
    customer_level_dbov: float = Field(-27.0, le=-10.0)
    noise_dbov: float | None = Field(-60.0, description="line noise RMS; None = digital silence")
    crosstalk_db: float | None = Field(-30.0, description="echo of each party in the other channel")
    ringback_level_dbov: float = -20.0
    seed: int = 0
    agent_name: str | None = None
    customer_name: str | None = None
    company: str | None = None
    description: str = ""

    @model_validator(mode="after")
    def _first_starts_after_answer(self) -> CallSpec:
        if self.utterances[0].gap_before_s < 0:
            raise ValueError("the first utterance cannot start before the answer")
        return self


class RingTruth(_Model):
    start_s: float
    end_s: float


class UtteranceTruth(_Model):
    index: int
    party: Party
    channel: int
    start_s: float
    end_s: float
    duration_s: float
    text: str
    word_count: int
    wpm: float = Field(description="actual: word_count / duration over the placed speech")
    wpm_target: int
    espeak_speed: int = Field(description="the -s value used after calibration")
    style: Style
    level_dbov: float = Field(description="target active speech level (P.56) the turn was set to")
    voice: str
    pitch: int
    pitch_range: int
    language: Language


class SilenceTruth(_Model):
    start_s: float
    end_s: float
    duration_s: float
    announced: bool = Field(description="the utterance just before is the agent announcing a pause")
    announcement: str | None = Field(None, description="the announcing phrase found, if any")


class InterruptionTruth(_Model):
    by: Party
    start_s: float = Field(description="overlap start = the interrupter's start")
    end_s: float = Field(description="overlap end")
    duration_s: float
    interrupted_utterance: int
    interrupting_utterance: int


class PartyTruth(_Model):
    talk_time_s: float = Field(description="union of the party's utterance intervals")
    words: int
    wpm: float | None = Field(description="words / talk time")
    talk_share: float = Field(description="share of both parties' talk time, 0..1")
    longest_monologue_s: float
    longest_monologue_start_s: float | None
    median_level_dbov: float | None


class CallTruth(_Model):
    generator: str = "sample_audio.callgen"
    version: int = 1
    name: str
    description: str = ""
    sample_rate: int
    duration_s: float
    agent_channel: int
    customer_channel: int
    country: str | None
    rings: int | None = Field(description="rings before the answer; None without ringback")
    ring_times: list[tuple[float, float]] = Field(default_factory=list)
    ringback_freqs_hz: list[float] = Field(default_factory=list)
    answered_at_s: float = Field(
        description="agent off-hook: the end of the ring cycle (tone + pause) of the last ring; "
        "0 when the recording starts at the answer"
    )
    noise_dbov: float | None
    crosstalk_db: float | None
    agent_name: str | None = None
    customer_name: str | None = None
    company: str | None = None
    language: Language
    utterances: list[UtteranceTruth]
    silences: list[SilenceTruth] = Field(
        description="stretches after the answer where nobody speaks, >= min_silence_s"
    )
    min_silence_s: float
    interruptions: list[InterruptionTruth] = Field(
        description="every overlap of the two parties, by = the one who started second"
    )
    parties: dict[Party, PartyTruth]
