"""The analysis report: the typed, versioned contract between analyzers, CLI,
service and dashboard.

``schema_version`` 1. Fields may be added; existing names are never renamed.
Times are seconds from the start of the recording.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from analyzers.spans import Span

SCHEMA_VERSION = 1

Party = Literal["agent", "customer"]
# On mono recordings the parties cannot be told apart: turns are "unknown".
Speaker = Literal["agent", "customer", "unknown"]
Severity = Literal["info", "warning", "critical"]
PickupSource = Literal["audio", "metadata", "none"]
MetricStatus = Literal["ok", "warning", "critical", "unmeasured"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Word(_Model):
    word: str
    start_s: float
    end_s: float
    probability: float | None = None


class Turn(_Model):
    party: Speaker
    start_s: float
    end_s: float
    text: str | None = None
    level_dbov: float | None = None
    words: list[Word] = Field(default_factory=list)
    sentiment: float | None = Field(
        None, description="-1 (negative) .. 1 (positive) from the turn's words; None unscored"
    )


class Silence(_Model):
    start_s: float
    end_s: float
    duration_s: float
    explained: bool | None = None
    explanation: str | None = None


class Redaction(_Model):
    """Where personal data was said (the value itself is never kept)."""

    kind: str = Field(description="CARD, IBAN, PHONE, EMAIL, NATIONAL_ID or NUMBER")
    party: Speaker
    start_s: float
    end_s: float


class Interruption(_Model):
    by: Party
    start_s: float
    end_s: float
    duration_s: float


class Pickup(_Model):
    rings: int | None = None
    answered_at_s: float | None = None
    ringback_country: str | None = None
    source: PickupSource = "none"
    ring_times: list[Span] = Field(
        default_factory=list, description="(start_s, end_s) of each counted ring"
    )
    seconds: float | None = Field(
        None, description="from the first ring's onset to the answer, to 0.1 s"
    )
    note: str | None = Field(
        None, description="why pickup could not be measured, when it could not"
    )


class WindowValue(_Model):
    """A metric over one ~30 s window of a party's speech."""

    start_s: float
    end_s: float
    value: float | None


class PartyMetrics(_Model):
    talk_time_s: float
    words: int | None = None
    wpm: float | None = None
    pitch_median_hz: float | None = None
    pitch_sd_semitones: float | None = None
    level_dbov: float | None = None
    longest_monologue_s: float | None = None
    longest_monologue_start_s: float | None = None
    talk_share: float | None = Field(None, description="share of all speaking time, 0..1")
    wpm_windows: list[WindowValue] = Field(default_factory=list)
    pitch_sd_windows: list[WindowValue] = Field(default_factory=list)


class Parties(_Model):
    agent: PartyMetrics | None = None
    customer: PartyMetrics | None = None


class Finding(_Model):
    rule: str
    severity: Severity
    start_s: float | None
    end_s: float | None
    value: int | float | str | None
    expected: str
    message: str
    advice: str
    party: Party | None = "agent"


class CoachingPoint(_Model):
    """One line of a call's coaching summary: a rule's findings in plain words."""

    rule: str
    severity: Severity
    text: str
    findings: list[int] = Field(
        default_factory=list, description="indices in the report's findings"
    )
    start_s: float | None = Field(None, description="where to listen first (None: whole call)")


class Metric(_Model):
    """One row of the metrics table: a rule's headline value against its range."""

    rule: str
    label: str
    value: int | float | str | None
    unit: str
    expected: str
    status: MetricStatus
    reason: str | None = Field(None, description="why it is unmeasured, when it is")
    note: str | None = Field(
        None, description="a caveat on the value (e.g. the parties' separation was unsure)"
    )
    key: str | None = Field(
        None, description="the metric's key in the rules table (with rule: which metric)"
    )
    low: float | None = Field(None, description="lowest recommended value, in unit")
    high: float | None = Field(None, description="highest recommended value, in unit")


class Unmeasured(_Model):
    rule: str
    reason: str


WarningCode = Literal["truncated", "damaged", "no_speech"]


class ReportWarning(_Model):
    """Something about the recording the reader must know before trusting the report."""

    code: WarningCode
    message: str
    declared_duration_s: float | None = Field(
        None, description="truncated: the duration the header promised"
    )
    decoded_duration_s: float | None = Field(
        None, description="truncated/damaged: the duration actually decoded"
    )


class Signals(_Model):
    """Downsampled curves for the dashboard timeline."""

    hop_s: float
    level_dbov: dict[str, list[float | None]] = Field(
        default_factory=dict, description="per party ('unknown' on mono): loudness envelope"
    )
    pitch_hz: dict[str, list[float | None]] = Field(
        default_factory=dict, description="per party: F0 contour, null where unvoiced"
    )
    speech: dict[str, list[Span]] = Field(
        default_factory=dict, description="per party: voice-active stretches"
    )

    @field_validator("level_dbov", "pitch_hz", "speech", mode="before")
    @classmethod
    def _unknown_party(cls, curves: object) -> object:
        # Reports stored before 2026-12 named a mono recording's one party "mono".
        if isinstance(curves, dict) and "mono" in curves:
            return {("unknown" if k == "mono" else k): v for k, v in curves.items()}
        return curves


AgentBasis = Literal["option", "first_voice", "company_name", "enrolled_voice"]


class Separation(_Model):
    """How the agent and the customer were told apart."""

    method: Literal["channels", "diarized"] = Field(
        description="channels: one party per stereo channel; diarized: split from a mono mix"
    )
    confidence: float = Field(
        ge=0.0,
        le=1.0,
        description="diarized: share of the speech given clearly to one voice, scaled down "
        "when the voices sound alike or the line is noisy; channels: 1",
    )
    doubts: list[str] = Field(
        default_factory=list, description="what lowered the confidence (diarized)"
    )
    agent: str = Field(description="which channel or voice is the agent, and why")
    agent_basis: AgentBasis | None = Field(
        None,
        description="what decided the agent: option (the caller), first_voice (heard first "
        "after the answer), company_name (named the company), enrolled_voice",
    )
    unsure: list[Span] = Field(
        default_factory=list, description="stretches whose speaker is uncertain (diarized)"
    )
    overlap: list[Span] = Field(
        default_factory=list, description="stretches where both are heard at once (diarized)"
    )


class CallContext(_Model):
    """Facts about the call from outside the audio that rules may use."""

    customer_name: str | None = None
    agent_name: str | None = None
    company_names: list[str] = Field(default_factory=list)


class CustomerTypeResult(_Model):
    """The customer's type as analyzers.customer_type recognised it (rule customer_type)."""

    type: str = Field(
        description="objective, friendly, rude, shy, pretentious, indecisive or unclear"
    )
    confidence: float = Field(description="best type's score minus half the runner-up's, 0..1")
    evidence: list[str] = Field(default_factory=list, description="the cues behind the type")
    scores: dict[str, float] = Field(default_factory=dict, description="each type's score, 0..1")


class Hold(_Model):
    """A stretch of music on hold (on either channel): neither speech nor silence."""

    start_s: float
    end_s: float
    duration_s: float
    announced: bool | None = Field(
        None, description="the agent announced it just before; None without a transcript"
    )
    announcement: str | None = Field(None, description="the agent's words that announced it")
    confidence: float | None = Field(None, description="music detector confidence, 0..1")


ToneKind = Literal["dtmf", "busy", "congestion", "sit"]


class Tone(_Model):
    """A key press (``dtmf``; the digit is never kept) or a call-progress tone."""

    kind: ToneKind
    start_s: float
    end_s: float
    party: Speaker | None = Field(None, description="whose channel it was heard on")


SentimentQuality = Literal["measured", "rough"]


class SentimentTrend(_Model):
    """One party's sentiment at the start of the call against the end."""

    turns: int = Field(description="the party's turns with words, scored")
    start: float | None = Field(None, description="mean score of the first third of them")
    end: float | None = Field(None, description="mean score of the last third of them")
    change: float | None = Field(None, description="end minus start")


class CallSentiment(_Model):
    """How the turns were scored, and each party's trend (turn scores are on the turns)."""

    language: str
    quality: SentimentQuality = Field(
        description="measured: accuracy measured on independent labelled data (README); "
        "rough: the language measured poorly or could not be measured"
    )
    method: str = Field(description="the word list and its source package")
    parties: dict[str, SentimentTrend] = Field(
        default_factory=dict, description="per party ('unknown' on an unsplit mono call)"
    )


class Report(_Model):
    schema_version: int = SCHEMA_VERSION
    duration_s: float
    sample_rate: int
    channels: int
    language: str | None = None
    agent_channel: int | None = None
    ranges_profile: str
    engine: str | None = None
    model: str | None = None
    pickup: Pickup
    parties: Parties
    turns: list[Turn] = Field(default_factory=list)
    silences: list[Silence] = Field(default_factory=list)
    interruptions: list[Interruption] = Field(default_factory=list)
    holds: list[Hold] = Field(
        default_factory=list, description="music on hold: neither speech nor silence"
    )
    tones: list[Tone] = Field(default_factory=list, description="key presses, busy, SIT")
    findings: list[Finding] = Field(default_factory=list)
    summary: list[CoachingPoint] = Field(
        default_factory=list, description="the two or three findings that matter most"
    )
    metrics: list[Metric] = Field(default_factory=list)
    unmeasured: list[Unmeasured] = Field(default_factory=list)
    context: CallContext = Field(default_factory=CallContext)
    signals: Signals | None = None
    warnings: list[ReportWarning] = Field(
        default_factory=list, description="truncated or damaged recording, no speech"
    )
    customer_type: CustomerTypeResult | None = Field(
        None, description="the customer's type, when the rule could be measured"
    )
    redactions: list[Redaction] = Field(
        default_factory=list, description="spans of personal data replaced by [KIND] tags"
    )
    separation: Separation | None = None
    sentiment: CallSentiment | None = Field(
        None, description="per-party sentiment trend; None without words to score"
    )
    timings_s: dict[str, float] = Field(default_factory=dict, description="seconds per stage")
    # The agent's voice embedding on a stereo call (speaker_embedding.voice_embedding of
    # the agent's channel), for the service's voice enrolment. A voice print is
    # biometric data: never serialised, stored or served with the report.
    _agent_voice: list[float] | None = PrivateAttr(default=None)

    @property
    def agent_voice(self) -> list[float] | None:
        return self._agent_voice

    def with_agent_voice(self, voice: list[float] | None) -> Report:
        """This report, holding the agent's voice embedding (see ``_agent_voice``)."""
        self._agent_voice = voice
        return self

    @property
    def parties_apart(self) -> bool:
        """Whether the agent and the customer were told apart: one per stereo channel, or a
        mono mix split into two voices."""
        diarized = self.separation is not None and self.separation.method == "diarized"
        return self.agent_channel is not None or diarized
