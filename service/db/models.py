"""Tables. Every change here needs an Alembic revision in service/migrations/versions/."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from service.db.types import JSONColumn, UTCDateTime, utcnow

# Deterministic constraint names so migrations can refer to them on both dialects.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Call status values: the row is the source of truth for a job.
QUEUED = "queued"
PROCESSING = "processing"
DONE = "done"
FAILED = "failed"
CALL_STATUSES = (QUEUED, PROCESSING, DONE, FAILED)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    company_names: Mapped[list[str] | None] = mapped_column(
        JSONColumn, comment="names agents introduce the company by, for calls that give none"
    )
    live_cues_off: Mapped[list[str] | None] = mapped_column(
        JSONColumn, comment="rule ids whose live cues this team switched off (none: all on)"
    )


class TeamProfile(Base):
    """A team's ranges profile: its overrides of ``analyzers/data/default_profile.toml``
    (only the diff; service/team_profiles.py reads and saves it)."""

    __tablename__ = "team_profiles"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    overrides: Mapped[dict[str, Any]] = mapped_column(JSONColumn, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(32), comment="API key id")


class ApiKey(Base):
    """An API key: only a SHA-256 of the (high-entropy) key is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True, comment="public lookup prefix")
    key_sha256: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(100), comment="space-separated")
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agent_id: Mapped[str | None] = mapped_column(
        String(200), comment="an agent's own key: it sees only this agent's calls"
    )

    team: Mapped[Team] = relationship(lazy="joined")


class Call(Base):
    """One recording and its analysis job."""

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_team_created", "team_id", "created_at", "id"),
        Index("ix_calls_team_agent_recorded", "team_id", "agent_id", "recorded_at"),
        Index("ix_calls_status_available", "status", "available_at"),
        Index("ix_calls_team_external", "team_id", "external_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    agent_id: Mapped[str | None] = mapped_column(String(200))
    external_id: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), comment="upload|twilio|vonage|generic|sample")
    source_url: Mapped[str | None] = mapped_column(Text, comment="recording still to download")
    source_account: Mapped[str | None] = mapped_column(String(200))

    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    audio_key: Mapped[str | None] = mapped_column(String(100), comment="storage key (no paths)")
    audio_bytes: Mapped[int | None] = mapped_column(BigInteger)
    audio_sha256: Mapped[str | None] = mapped_column(String(64))
    audio_content_type: Mapped[str | None] = mapped_column(String(100))

    options: Mapped[dict[str, Any]] = mapped_column(JSONColumn, default=dict)
    call_metadata: Mapped[dict[str, Any]] = mapped_column("metadata", JSONColumn, default=dict)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, comment="when the call happened (metadata) else created_at"
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_s: Mapped[float | None] = mapped_column(Float)
    analysis_s: Mapped[float | None] = mapped_column(Float)
    findings_count: Mapped[int | None] = mapped_column(Integer)
    file_name: Mapped[str | None] = mapped_column(
        String(255), comment="the uploaded file's name (shown only; storage keys are ids)"
    )
    summary: Mapped[str | None] = mapped_column(Text, comment="one line of the coaching summary")


class CallReport(Base):
    """The analysis report JSON (words, turns, signals): kept out of the calls table."""

    __tablename__ = "reports"

    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    schema_version: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(JSONColumn)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CallNote(Base):
    """A coach's comment on a call: at a time in the call, on a finding, or both."""

    __tablename__ = "call_notes"
    __table_args__ = (Index("ix_call_notes_call", "call_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    at_s: Mapped[float | None] = mapped_column(Float, comment="seconds from the recording's start")
    finding: Mapped[int | None] = mapped_column(Integer, comment="index in the report's findings")
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200), comment="the writing key's name or id")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FindingReview(Base):
    """One step of a finding's review: the call's agent acknowledges or disputes it, a
    coach dismisses a disputed one or reopens it. The rows are the history; a finding's
    state is its last row's (service/calls/reviews.py)."""

    __tablename__ = "finding_reviews"
    __table_args__ = (Index("ix_finding_reviews_call", "call_id", "finding_key", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    finding_key: Mapped[str] = mapped_column(
        String(120), comment="rule:party:start, kept when the call is scored again"
    )
    action: Mapped[str] = mapped_column(String(20), comment="acknowledge|dispute|dismiss|reopen")
    comment: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10), comment="agent|coach")
    author: Mapped[str] = mapped_column(String(200), comment="the writing key's id")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CallMetric(Base):
    """A report's headline metric values, for listing filters and agent summaries."""

    __tablename__ = "call_metrics"

    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[str] = mapped_column(String(50), primary_key=True)
    label: Mapped[str] = mapped_column(
        String(100), primary_key=True, comment="a rule may have several"
    )
    unit: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))


class CallFinding(Base):
    """How many findings of each rule a call has."""

    __tablename__ = "call_findings"
    __table_args__ = (Index("ix_call_findings_rule", "rule"),)

    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[str] = mapped_column(String(50), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class WebhookReceipt(Base):
    """Idempotency and replay keys of webhooks in (Twilio RecordingSid, Vonage uuid, ...)."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (UniqueConstraint("provider", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    call_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("calls.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Callback(Base):
    """A team's registered callback URL for call done/failed events."""

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(200), comment="HMAC key the receiver verifies")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Delivery status values.
PENDING = "pending"
DELIVERED = "delivered"


class WebhookDelivery(Base):
    """One signed POST to a team callback (an outbox row: written with the status change)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callbacks.id", ondelete="CASCADE"))
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, comment="no FK: the call may be deleted")
    event: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONColumn)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TranscriptSegment(Base):
    """One turn of a call's transcript, as search finds and shows it."""

    __tablename__ = "transcript_segments"
    __table_args__ = (
        Index("ix_transcript_segments_team_recorded", "team_id", "recorded_at"),
        # GIN on PostgreSQL; on SQLite a (small) b-tree over a column left NULL.
        # fastupdate off: no pending list for every query to scan between vacuums.
        Index(
            "ix_transcript_segments_tsv",
            "tsv",
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(Integer, comment="the call's team (denormalised)")
    agent_id: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    party: Mapped[str] = mapped_column(String(20), comment="agent|customer|unknown")
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    ts_config: Mapped[str] = mapped_column(String(20), comment="text search configuration")
    tsv: Mapped[Any | None] = mapped_column(
        Text().with_variant(TSVECTOR(), "postgresql"),
        comment="PostgreSQL: to_tsvector(ts_config, text), set by a trigger; SQLite: unused",
    )


class TeamPrivacy(Base):
    """A team's privacy settings; no row = the defaults (redaction on, tone)."""

    __tablename__ = "team_privacy"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    pii_redaction: Mapped[bool] = mapped_column(Boolean, default=True)
    audio_mode: Mapped[str] = mapped_column(String(20), default="tone", comment="tone|silence")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(32), comment="API key id")


class VoicePrint(Base):
    """The agent's voice embedding of one analysed stereo call (the enrolment's input).

    A voice print is biometric data: it goes with its call (ON DELETE CASCADE) and is
    never served; service/voices.py reads and writes it.
    """

    __tablename__ = "voice_prints"
    __table_args__ = (Index("ix_voice_prints_team_agent", "team_id", "agent_id", "created_at"),)

    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    agent_id: Mapped[str] = mapped_column(String(200))
    embedding: Mapped[list[float]] = mapped_column(
        JSONColumn, comment="analyzers.speaker_embedding.voice_embedding of the agent's channel"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgentVoice(Base):
    """An agent's enrolled voice: the element-wise median of their latest voice prints,
    used (from ``calls`` prints on) to find the agent on mono and auto-channel calls."""

    __tablename__ = "agent_voices"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    agent_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    embedding: Mapped[list[float]] = mapped_column(JSONColumn)
    calls: Mapped[int] = mapped_column(Integer, comment="voice prints the embedding is from")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LiveCue(Base):
    """A cue shown during a live call (service/live): what, when it became true in the
    audio (``at_s``) and when it was sent (``shown_s``, the stream's time then)."""

    __tablename__ = "live_cues"

    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, comment="order of sending")
    rule: Mapped[str] = mapped_column(String(50))
    state: Mapped[str] = mapped_column(String(20), comment="raised|cleared|progress")
    at_s: Mapped[float] = mapped_column(Float)
    shown_s: Mapped[float] = mapped_column(Float)
    cue: Mapped[dict[str, Any]] = mapped_column(JSONColumn, comment="the whole cue as sent")
