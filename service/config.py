"""The service's one typed settings object.

Every knob reads, first found wins: the command-line flag or constructor argument, the
environment with the ``CALLCOACH_`` prefix (nested values as JSON, e.g.
``CALLCOACH_TWILIO_ACCOUNTS='{"AC..": {"secret": "..", "team": "acme"}}'``), a ``.env``
file, then a ``callcoach.toml`` file (``data_dir = "/srv/callcoach"``), both in the
working directory. ``DATABASE_URL`` and ``REDIS_URL`` are accepted unprefixed too, as
platforms set them. ``serve``, ``worker`` and ``keys`` all read this one object, so they
find the same database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url

from analyzers.options import AgentChannel, Engine, Language

MIB = 1024 * 1024
CONFIG_FILE = "callcoach.toml"
ENV_FILE = ".env"


class WebhookAccount(BaseModel):
    """One telephony account (Twilio AccountSid, Vonage api_key) or generic sender."""

    secret: SecretStr = Field(
        description="Twilio auth token, Vonage signature secret or generic HMAC secret"
    )
    team: str = Field(description="team that owns the calls this account sends")
    agent_channel: AgentChannel = Field(
        "auto",
        description="stereo channel of the agent in this platform's recordings: "
        "0 (left), 1 (right), or auto (found from each call: the platform's channel order "
        "follows the call's direction)",
    )
    agent_track: Literal["inbound", "outbound"] = Field(
        "outbound",
        description="Twilio Media Streams: the track that carries the agent. On a stream "
        "started on the customer's leg (the usual inbound contact-centre call, <Stream> "
        "before <Dial>) 'inbound' is the customer and 'outbound' the agent",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CALLCOACH_",
        extra="ignore",
        populate_by_name=True,
        env_file=ENV_FILE,
        toml_file=CONFIG_FILE,
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls)
        return (init_settings, env_settings, dotenv_settings, toml, file_secret_settings)

    # Where things live.
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("CALLCOACH_DATABASE_URL", "DATABASE_URL", "database_url"),
        description="SQLAlchemy URL; default sqlite:///<data_dir>/callcoach.db",
    )
    storage_dir: Path | None = Field(None, description="audio blobs; default <data_dir>/audio")

    # Queue and workers.
    queue_backend: Literal["inprocess", "celery"] = "inprocess"
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("CALLCOACH_REDIS_URL", "REDIS_URL", "redis_url"),
    )
    celery_queue: str = "callcoach"
    worker_concurrency: int = Field(1, ge=1, description="in-process analysis threads")
    worker_nice: int = Field(
        10,
        ge=0,
        le=19,
        description="CPU priority of analyses below the API (Linux nice), so uploads and "
        "reads stay fast on a host that is busy analysing",
    )
    job_lease_s: float = Field(
        60.0, gt=0, description="a claimed job whose heartbeat stops this long is taken over"
    )
    job_max_attempts: int = Field(5, ge=1, description="transient failures before 'failed'")
    job_retry_backoff_s: float = Field(5.0, ge=0, description="first retry delay (doubles)")
    job_retry_backoff_max_s: float = Field(300.0, ge=0)
    job_requeue_after_s: float = Field(
        600.0, gt=0, description="a queued job not picked up this long is sent to the broker again"
    )
    job_poll_s: float = Field(1.0, gt=0, description="in-process worker and sweeper poll period")
    shutdown_grace_s: float = Field(
        5.0, ge=0, description="`serve` waits this long for running analyses when stopping"
    )
    worker_alive_file: Path | None = Field(
        None, description="a Celery worker touches this file while healthy (container checks)"
    )
    job_send_grace_s: float = Field(
        15.0, ge=0, description="a new call's message is the API's to send for this long"
    )

    # Upload limits.
    max_upload_bytes: int = Field(500 * MIB, gt=0)
    max_duration_s: float = Field(4 * 3600.0, gt=0)
    max_channels: int = Field(2, ge=1, le=2)

    # Agent voice enrolment (service/voices.py).
    voice_enrolment: bool = Field(
        True,
        description="keep each agent's voice print of analysed stereo calls and find the "
        "agent by voice on mono and auto-channel calls (voice prints are biometric data: "
        "turn off where agents have not agreed to it)",
    )
    voice_enrolment_min_calls: int = Field(
        3, ge=1, description="stereo calls of an agent before their enrolled voice is used"
    )

    # Webhooks in.
    public_base_url: str | None = Field(
        None,
        description="external base URL (scheme://host[:port]) as the telephony platform "
        "calls it, when a proxy rewrites it; Twilio signs the full URL",
    )
    twilio_accounts: dict[str, WebhookAccount] = Field(
        default_factory=dict, description="AccountSid -> auth token and team"
    )
    vonage_accounts: dict[str, WebhookAccount] = Field(
        default_factory=dict, description="Vonage api_key -> signature secret and team"
    )
    vonage_application_id: str | None = Field(
        None, description="Vonage application whose private key signs recording downloads"
    )
    vonage_private_key_path: Path | None = None
    generic_webhook_accounts: dict[str, WebhookAccount] = Field(
        default_factory=dict,
        description="sender id (X-Callcoach-Sender header) -> HMAC-SHA256 secret and team",
    )
    webhook_window_s: float = Field(300.0, gt=0, description="accepted clock skew of signatures")
    download_allowed_hosts: list[str] = Field(
        default_factory=lambda: [
            "api.twilio.com",
            "*.twiliocdn.com",
            "api.nexmo.com",
            "*.nexmo.com",
            "*.vonage.com",
        ],
        description="hosts recordings may be fetched from ('*.' prefix matches subdomains)",
    )
    private_network_hosts: list[str] = Field(
        default_factory=list,
        description="hosts explicitly allowed to resolve to private/loopback addresses "
        "(an on-premises media server; tests use 127.0.0.1); every other host must be public",
    )
    download_max_bytes: int | None = Field(None, description="default: max_upload_bytes")
    download_timeout_s: float = Field(30.0, gt=0)
    download_attempts: int = Field(3, ge=1, description="tries per fetch before the job backs off")

    # Webhooks out (team callbacks).
    callback_timeout_s: float = Field(10.0, gt=0)
    callback_max_attempts: int = Field(8, ge=1)
    callback_backoff_s: float = Field(5.0, ge=0)
    callback_backoff_max_s: float = Field(3600.0, ge=0)

    # Dashboard.
    session_secret: SecretStr | None = Field(
        None, description="signs dashboard session cookies; default: a file in data_dir"
    )

    # Live cues (WebSocket streams in, service/live).
    live_max_duration_s: float = Field(
        2 * 3600.0, gt=0, description="a live stream is stopped (and stored) at this length"
    )
    live_max_frame_bytes: int = Field(
        64 * 1024, ge=1024, description="largest WebSocket message a live stream may send"
    )
    live_idle_timeout_s: float = Field(
        20.0, gt=0, description="a live stream that sends nothing this long is closed"
    )
    live_start_timeout_s: float = Field(
        10.0, gt=0, description="a live stream must authenticate and start within this"
    )
    live_max_calls: int = Field(
        40, ge=1, description="simultaneous live streams per API process (more: refused)"
    )
    live_transcribe_threads: int = Field(
        1, ge=1, description="threads transcribing live utterances (per API process)"
    )
    live_transcribe_batch: int = Field(
        8, ge=1, le=16, description="utterances waiting together are transcribed together"
    )
    live_transcribe_nice: int = Field(
        5,
        ge=0,
        le=19,
        description="CPU priority of live transcription below the sockets and the cue "
        "engine (Linux nice; analyses run at worker_nice)",
    )
    live_engine_threads: int = Field(
        1, ge=1, description="threads running the live cue engine (per API process)"
    )
    live_beam_size: int = Field(
        1, ge=1, le=5, description="Whisper beam for live utterances (1: greedy, fastest)"
    )
    live_finish_wait_s: float = Field(
        10.0,
        ge=0,
        description="at a stream's end, how long utterances still being "
        "transcribed may take before the stream's last cues are decided",
    )
    live_redis_prefix: str = Field(
        "callcoach:live", description="Redis channel and key prefix of live events"
    )
    live_fanout: Literal["auto", "inprocess", "redis"] = Field(
        "auto",
        description="where cues are published: in this process, or Redis pub/sub so every "
        "API process sees every cue; auto = redis with the celery queue backend",
    )

    # Analysis defaults.
    default_engine: Engine = "faster-whisper"
    default_model: str | None = None
    default_language: Language = "auto"
    warm_up_model: bool = Field(True, description="load the model when a worker starts")
    load_samples: bool = Field(False, description="enqueue sample_audio/*.wav for team 'demo'")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # Platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
            for prefix in ("postgres://", "postgresql://"):
                if url.startswith(prefix):
                    return "postgresql+psycopg://" + url[len(prefix) :]
            return url
        return f"sqlite:///{(self.data_dir / 'callcoach.db').resolve()}"

    @property
    def database_label(self) -> str:
        """The database URL without its password, to tell people which one is in use."""
        return make_url(self.effective_database_url).render_as_string(hide_password=True)

    @property
    def effective_storage_dir(self) -> Path:
        return self.storage_dir or self.data_dir / "audio"

    @property
    def effective_download_max_bytes(self) -> int:
        return self.download_max_bytes or self.max_upload_bytes


def get_settings() -> Settings:
    """Settings from the environment (a fresh read: tests and the CLI override it)."""
    return Settings()
