"""Request and response bodies of the HTTP API (the OpenAPI schema at /docs)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, field_validator

from analyzers.options import AGENT_CHANNEL_AUTO_HELP, AgentChannel, CallMetadata, Language
from analyzers.report import Party, Severity
from analyzers.ringback_plans import PLAN_COUNTRIES, iso_country
from service.calls.reviews import TRANSITIONS, FindingState, ReviewAction, ReviewState, Role
from service.db.models import Call, CallNote, FindingReview
from service.teams import parse_company_names

CallStatus = Literal["queued", "processing", "done", "failed"]


def as_utc(moment: datetime | None) -> datetime | None:
    """Timezone-aware UTC; a naive time from a client is taken as UTC.

    ValueError (a 422 in a request) when the UTC time is outside the calendar, e.g.
    0001-01-01T00:00:00+14:00 or 9999-12-31T23:59:59-14:00.
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            f"{moment.isoformat()} is outside the calendar (years 1 to 9999) in UTC"
        ) from None


# Times of a call: anything outside these years is a client's mistake, and keeping
# them out leaves room for week and day arithmetic on stored times.
EARLIEST_CALL = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_CALL = datetime(3000, 1, 1, tzinfo=UTC)


def _call_time(moment: datetime) -> datetime:
    utc = as_utc(moment)
    assert utc is not None
    if not EARLIEST_CALL <= utc < LATEST_CALL:
        raise ValueError(f"{moment.isoformat()} is not a plausible call time (years 1900 to 2999)")
    return utc


UTCTime = Annotated[datetime, AfterValidator(as_utc)]
CallTime = Annotated[datetime, AfterValidator(_call_time)]


def _ringback_country(code: str) -> str:
    """A country with a known ringback plan, as its ISO code (UK is stored as GB, the
    code the reports use)."""
    iso = iso_country(code)
    if iso not in PLAN_COUNTRIES:
        raise ValueError(
            f"no ringback plan for country {code!r}; known: {', '.join(PLAN_COUNTRIES)}"
        )
    return iso


RingbackCountry = Annotated[
    str,
    Field(min_length=2, max_length=2, description="ringback plan hint (ISO 3166), e.g. SE"),
    AfterValidator(_ringback_country),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    """Every error answer (4xx) of the API."""

    detail: str = Field(description="what was wrong, for a person")
    code: str = Field(description="stable machine-readable reason, e.g. too_large, bad_field")
    errors: list[dict[str, Any]] | None = Field(
        None, description="all validation errors (request validation failures only)"
    )


class RecordingFields(_Body):
    """What a sender may tell about a recording (uploads and the generic webhook)."""

    external_id: str | None = Field(None, max_length=200, description="the platform's call id")
    agent_id: str | None = Field(None, max_length=200)
    agent_channel: AgentChannel = Field("auto", description=AGENT_CHANNEL_AUTO_HELP)
    country: RingbackCountry | None = None
    language: Language | None = Field(None, description="default: the service's default")
    recording_started_at: CallTime | None = None
    ringing_at: CallTime | None = Field(None, description="when the agent's phone started ringing")
    answered_at: CallTime | None = Field(None, description="when the agent answered")
    customer_name: str | None = Field(None, max_length=200)
    agent_name: str | None = Field(None, max_length=200)
    company_names: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=20,
        description="names the agent should introduce the company by (a form field: "
        "separated by ';' or new lines)",
    )

    @field_validator("company_names", mode="before")
    @classmethod
    def _split_company_names(cls, value: object) -> object:
        return parse_company_names(value) if isinstance(value, str) else value

    def metadata(self) -> CallMetadata:
        return CallMetadata(
            recording_started_at=self.recording_started_at,
            ringing_at=self.ringing_at,
            answered_at=self.answered_at,
            customer_name=self.customer_name,
            agent_name=self.agent_name,
            company_names=self.company_names,
        )


class CallUploadFields(RecordingFields):
    """Form fields sent with the recording in ``POST /v1/calls`` (all optional)."""

    team: str | None = Field(
        None, description="must be the API key's team when given (a key writes to its team only)"
    )


def upload_openapi_schema(audio_types: Sequence[str]) -> dict[str, Any]:
    """The multipart body for /docs: the fields above plus the ``audio`` file part."""
    schema = CallUploadFields.model_json_schema()
    schema["properties"] = {
        "audio": {
            "type": "string",
            "format": "binary",
            "description": "the recording (WAV, FLAC, OGG/Opus, MP3...; recognised from its "
            "bytes: " + ", ".join(audio_types) + "); its file name is ignored",
        },
        **schema["properties"],
    }
    schema["required"] = ["audio"]
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": schema,
                    "encoding": {"audio": {"contentType": ", ".join(audio_types)}},
                }
            },
        }
    }


class CallAccepted(BaseModel):
    id: uuid.UUID
    status: CallStatus
    url: str = Field(description="where to poll the call's status")


class CallError(BaseModel):
    code: str | None
    message: str | None


class CallOut(BaseModel):
    id: uuid.UUID
    status: CallStatus
    source: str
    external_id: str | None
    agent_id: str | None
    error: CallError | None = Field(None, description="why it failed (or the last retried error)")
    attempts: int
    created_at: datetime
    recorded_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    analysis_s: float | None
    findings_count: int | None
    audio_bytes: int | None
    audio_sha256: str | None
    options: dict[str, Any]
    metadata: dict[str, Any]
    file_name: str | None = Field(None, description="the uploaded file's name, as sent")
    summary: str | None = Field(None, description="one line of the coaching summary")

    @classmethod
    def from_row(cls, call: Call) -> CallOut:
        error = (
            CallError(code=call.error_code, message=call.error_message)
            if call.error_code or call.error_message
            else None
        )
        return cls(
            id=call.id,
            status=call.status,
            source=call.source,
            external_id=call.external_id,
            agent_id=call.agent_id,
            error=error,
            attempts=call.attempts,
            created_at=call.created_at,
            recorded_at=call.recorded_at,
            started_at=call.started_at,
            finished_at=call.finished_at,
            duration_s=call.duration_s,
            analysis_s=call.analysis_s,
            findings_count=call.findings_count,
            audio_bytes=call.audio_bytes,
            audio_sha256=call.audio_sha256,
            options=call.options or {},
            metadata=call.call_metadata or {},
            file_name=call.file_name,
            summary=call.summary,
        )


class CallPage(BaseModel):
    items: list[CallOut]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page")


class MetricMean(BaseModel):
    rule: str
    label: str
    unit: str
    mean: float
    calls: int = Field(description="calls in the week where the metric was measured")


class WeekOut(BaseModel):
    week_start: date = Field(description="Monday of the ISO week (UTC)")
    calls: int
    metrics: list[MetricMean]
    findings: dict[str, int] = Field(description="finding counts per rule")


class AgentSummary(BaseModel):
    agent_id: str
    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None
    calls: int
    weeks: list[WeekOut]

    model_config = ConfigDict(populate_by_name=True)


class CallbackIn(_Body):
    url: HttpUrl
    secret: str | None = Field(
        None, min_length=16, max_length=200, description="HMAC key; generated when omitted"
    )


class CallbackOut(BaseModel):
    id: int
    url: str
    active: bool
    created_at: datetime


class CallbackCreated(CallbackOut):
    secret: str = Field(description="shown once: verify X-Callcoach-Signature with it")


class WebhookAccepted(BaseModel):
    status: Literal["accepted", "duplicate", "ignored"]
    call_id: uuid.UUID | None = None
    detail: str | None = None


class GenericWebhookIn(RecordingFields):
    """JSON body of ``POST /v1/webhooks/generic`` (or the form fields with an audio part)."""

    audio_url: str | None = Field(None, description="where to fetch the recording (allowed hosts)")


class VonageRecordingIn(BaseModel):
    """Vonage's recording webhook body (extra fields are ignored)."""

    model_config = ConfigDict(extra="ignore")

    recording_url: str
    recording_uuid: str
    conversation_uuid: str | None = None
    start_time: UTCTime | None = None
    end_time: UTCTime | None = None
    size: int | None = None


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    ready: bool
    checks: dict[str, str]


class NoteOut(BaseModel):
    """A coach's note on a call."""

    id: int
    at_s: float | None = Field(description="seconds from the recording's start")
    finding: int | None = Field(description="index in the report's findings")
    text: str
    author: str
    created_at: datetime

    @classmethod
    def from_row(cls, note: CallNote) -> NoteOut:
        return cls(
            id=note.id,
            at_s=note.at_s,
            finding=note.finding,
            text=note.text,
            author=note.author,
            created_at=note.created_at,
        )


class ReviewStepOut(BaseModel):
    """One step of a finding's review."""

    id: int
    action: ReviewAction
    state: ReviewState = Field(description="the finding's state after this step")
    comment: str | None
    role: Role = Field(description="agent: the call's agent; coach: a team key")
    author: str = Field(description="the key id that took the step")
    created_at: datetime

    @classmethod
    def from_row(cls, row: FindingReview, state: str) -> ReviewStepOut:
        return cls.model_validate(
            {
                "id": row.id,
                "action": row.action,
                "state": state,
                "comment": row.comment,
                "role": row.role,
                "author": row.author,
                "created_at": row.created_at,
            }
        )


class FindingReviewOut(BaseModel):
    """A finding of the call with its review: acknowledged or disputed by the agent,
    dismissed by a coach (then kept here but not counted in trends or summaries)."""

    index: int = Field(description="index in the report's findings (what the POST takes)")
    key: str = Field(description="rule:party:start: names the finding across re-scoring")
    rule: str
    severity: Severity
    start_s: float | None
    end_s: float | None
    party: Party | None
    message: str
    state: ReviewState
    counted: bool = Field(description="false once dismissed: left out of trends and counts")
    history: list[ReviewStepOut] = Field(description="every step, oldest first")

    @classmethod
    def from_state(cls, found: FindingState) -> FindingReviewOut:
        f = found.finding
        return cls.model_validate(
            {
                "index": found.index,
                "key": found.key,
                "rule": f.rule,
                "severity": f.severity,
                "start_s": f.start_s,
                "end_s": f.end_s,
                "party": f.party,
                "message": f.message,
                "state": found.state,
                "counted": found.counted,
                "history": [
                    ReviewStepOut.from_row(r, TRANSITIONS[r.action].to) for r in found.history
                ],
            }
        )
