"""Options and metadata that callers pass into an analysis."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from analyzers.speaker_embedding import EMBEDDING_SIZE

Language = Literal["auto", "en", "sv", "nb", "el"]
Engine = Literal["faster-whisper", "openai-whisper", "none"]
# Languages with phrase lists and ranges ("auto" asks for detection among them).
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(code for code in get_args(Language) if code != "auto")


class CallMetadata(BaseModel):
    """What the telephony platform knows about a call (all optional)."""

    model_config = ConfigDict(extra="forbid")

    recording_started_at: datetime | None = None
    ringing_at: datetime | None = None
    answered_at: datetime | None = None
    customer_name: str | None = None
    agent_name: str | None = None
    company_names: list[str] = Field(
        default_factory=list, description="names the agent should introduce the company by"
    )


# Stereo channels are named by their index everywhere (API, CLI, dashboard, reports).
CHANNEL_NAMES: dict[int, str] = {0: "Channel 0 (left)", 1: "Channel 1 (right)"}
AGENT_CHANNEL_HELP = "stereo channel that carries the agent: 0 (left) or 1 (right)"
AGENT_CHANNEL_AUTO_HELP = (
    f"{AGENT_CHANNEL_HELP}, or auto (found from the call: enrolled voice, company name, "
    "first voice after the answer)"
)
# A stereo channel index, or "auto": the analysis finds the agent's channel.
AgentChannel = Annotated[int, Field(ge=0, le=1)] | Literal["auto"]


class AnalysisOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent_channel: AgentChannel = Field(0, description=AGENT_CHANNEL_AUTO_HELP)
    agent_speaker: Literal["auto", "first", "second"] = Field(
        "auto",
        description="mono calls: which of the two voices is the agent (auto: from the call)",
    )
    agent_voice: list[float] | None = Field(
        None,
        min_length=EMBEDDING_SIZE,
        max_length=EMBEDDING_SIZE,
        description="the agent's enrolled voice (analyzers.speaker_embedding.voice_embedding, "
        "e.g. averaged over past stereo calls): with agent_channel or agent_speaker auto, "
        "the voice nearer it is the agent's",
    )
    country: str | None = Field(None, description="ringback plan hint, e.g. SE; detection decides")
    language: Language = "auto"
    engine: Engine = "faster-whisper"
    model: str | None = Field(
        None, description="model name or directory; None = bundled default for the language"
    )
    beam_size: int = Field(5, ge=1, le=10)
    max_duration_s: float = Field(4 * 3600.0, gt=0)
    compute_signals: bool = Field(True, description="include downsampled curves for the dashboard")
    redact: bool = Field(
        True, description="replace personal data (cards, ids, phone, e-mail) in the words"
    )
