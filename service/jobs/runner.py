"""Run one call's job: claim it, fetch the recording if needed, analyse, store.

Bad input (an AnalysisError, a refused or failed download, any error that is not
I/O, database or network: service.jobs.failures) fails the call with its code and is
never retried; transient failures send the job back to the queue with exponential
backoff until ``job_max_attempts``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType

from sqlalchemy import select
from sqlalchemy.orm import Session

from analyzers.errors import AnalysisError
from analyzers.heap import return_freed_memory
from analyzers.redaction.audio import AudioMode
from analyzers.report import Redaction
from service import metrics
from service.backoff import retry_delay_s
from service.config import Settings
from service.db.models import QUEUED, Call
from service.db.session import Database
from service.db.types import utcnow
from service.fetch.credentials import MissingCredentialsError, download_credentials
from service.fetch.download import DownloadError, DownloadPolicy, download
from service.jobs import claims
from service.jobs.claims import ClaimedJob
from service.jobs.failures import is_transient, permanent_code
from service.storage import AudioStorage
from service.voices import enrolled_voice

log = logging.getLogger(__name__)


class LeaseLostError(Exception):
    """The job was deleted or taken over while this worker ran it."""


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    RETRY = "retry"  # transient failure: due again after retry_in_s
    NOT_YET = "not_yet"  # queued but due later (a retry's backoff): look again then
    SKIPPED = "skipped"  # finished, deleted, or held by another live worker


@dataclass(frozen=True)
class JobResult:
    outcome: Outcome
    retry_in_s: float = 0.0


def new_worker_id(kind: str) -> str:
    """Unique per process: host, pid and a random suffix (pids repeat in containers)."""
    return f"{kind}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class _LeaseKeeper:
    """Extends the job's lease every third of its length while the analysis runs."""

    def __init__(self, db: Database, job: ClaimedJob, lease_s: float) -> None:
        self._db, self._job, self._lease_s = db, job, lease_s
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._lease_s / 3):
            try:
                if not claims.heartbeat(self._db, self._job, self._lease_s):
                    self.lost = True
                    log.warning("lost the lease on call %s", self._job.call_id)
                    return
            except Exception:  # a database blip: try again next beat
                log.exception("heartbeat failed")

    def __enter__(self) -> _LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()


class JobRunner:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        storage: AudioStorage,
        worker_id: str,
        *,
        broker_retries: bool = False,
    ) -> None:
        self.settings = settings
        self.db = db
        self.storage = storage
        self.worker_id = worker_id
        # True when the broker re-sends the job itself (Celery retry): the row then
        # records it as already enqueued so the sweeper does not send it again.
        self._broker_retries = broker_retries

    def run(self, call_id: uuid.UUID) -> JobResult:
        s = self.settings
        job = claims.claim(self.db, call_id, self.worker_id, s.job_lease_s, s.job_max_attempts)
        if job is None:
            return self._not_claimed(call_id)
        return self.run_claimed(job)

    def run_claimed(self, job: ClaimedJob) -> JobResult:
        try:
            return self._run_claimed(job)
        finally:
            return_freed_memory()  # the analysis' heap goes back to the system between jobs

    def _run_claimed(self, job: ClaimedJob) -> JobResult:
        s = self.settings
        started = time.perf_counter()
        with _LeaseKeeper(self.db, job, s.job_lease_s):
            try:
                report = self._analyze(job)
            except (AnalysisError, DownloadError, MissingCredentialsError) as exc:
                return self._failed(job, exc.code, str(exc))
            except LeaseLostError:
                return JobResult(Outcome.SKIPPED)
            except Exception as exc:
                if not is_transient(exc):  # the same input would fail the same way again
                    return self._failed(job, permanent_code(exc), f"{type(exc).__name__}: {exc}")
                return self._transient(job, exc)
        seconds = time.perf_counter() - started
        if not claims.complete(self.db, job, report, seconds, enrol_voice=s.voice_enrolment):
            log.warning("call %s: result discarded, the lease was lost", job.call_id)
            return JobResult(Outcome.SKIPPED)
        metrics.CALLS_DONE.inc()
        metrics.ANALYSIS_SECONDS.observe(seconds)
        log.info("call %s done in %.1f s", job.call_id, seconds)
        return JobResult(Outcome.DONE)

    def _analyze(self, job: ClaimedJob):  # -> analyzers.report.Report
        from analyzers.options import AnalysisOptions, CallMetadata
        from analyzers.pipeline import analyze
        from service.privacy import team_privacy
        from service.team_profiles import team_profile
        from service.teams import team_company_names

        audio_key = job.audio_key or self._fetch(job)
        options = AnalysisOptions.model_validate(job.options)
        metadata = CallMetadata.model_validate(job.call_metadata) if job.call_metadata else None
        with self.db.session() as session:
            profile = team_profile(session, job.team_id)  # the team's ranges
            companies = team_company_names(session, job.team_id)
            privacy = team_privacy(session, job.team_id)
            voice = self._enrolled(session, job)
        options = options.model_copy(update={"redact": privacy.pii_redaction, "agent_voice": voice})
        if companies and not (metadata and metadata.company_names):
            # The team's names when the call names none: the opening rule and Whisper's prompt.
            metadata = (metadata or CallMetadata()).model_copy(update={"company_names": companies})
        path = self.storage.local_path(audio_key)
        if path is not None:
            report = analyze(path, options, metadata, profile=profile)
        else:
            with self.storage.open(audio_key) as audio:  # a store without local files
                report = analyze(audio, options, metadata, profile=profile)
        if privacy.pii_redaction and report.redactions:
            self._redact_audio(job, audio_key, report.redactions, privacy.audio_mode)
        return report

    def _enrolled(self, session: Session, job: ClaimedJob) -> list[float] | None:
        """The agent's enrolled voice when enrolment is on (the analysis finds them by it)."""
        s = self.settings
        if not s.voice_enrolment:
            return None
        return enrolled_voice(session, job.team_id, job.agent_id, s.voice_enrolment_min_calls)

    def _redact_audio(
        self, job: ClaimedJob, audio_key: str, redactions: list[Redaction], mode: AudioMode
    ) -> None:
        """Replace the stored recording by its redacted copy before the report is stored
        (so nothing reads the original once the call is done)."""
        from service.privacy import REDACTED_CONTENT_TYPE, redact_stored_audio

        blob = redact_stored_audio(self.storage, audio_key, redactions, mode)
        if not claims.set_audio(self.db, job, blob, REDACTED_CONTENT_TYPE):
            raise LeaseLostError(f"call {job.call_id} is no longer this worker's")
        log.info("call %s: %d spans blanked in the audio", job.call_id, len(redactions))

    def _fetch(self, job: ClaimedJob) -> str:
        """Download a webhook's recording into storage (key = call id)."""
        s = self.settings
        if not job.source_url:
            raise DownloadError("the call has neither audio nor a recording URL")
        policy = DownloadPolicy(
            allowed_hosts=s.download_allowed_hosts,
            private_hosts=s.private_network_hosts,
            max_bytes=s.effective_download_max_bytes,
            timeout_s=s.download_timeout_s,
            attempts=s.download_attempts,
        )
        fetched = download(
            job.source_url,
            lambda: self.storage.writer(job.call_id.hex, policy.max_bytes),
            policy,
            credentials=download_credentials(s, job.source, job.source_account),
        )
        if not claims.set_audio(self.db, job, fetched.blob, fetched.content_type):
            self.storage.delete(fetched.blob.key)  # deleted (or taken over) meanwhile
            raise LeaseLostError(f"call {job.call_id} is no longer this worker's")
        return fetched.blob.key

    def _failed(self, job: ClaimedJob, code: str, message: str) -> JobResult:
        log.info("call %s failed: %s: %s", job.call_id, code, message)
        if claims.fail(self.db, job, code, message):
            metrics.CALLS_FAILED.labels(code).inc()
        return JobResult(Outcome.FAILED)

    def _transient(self, job: ClaimedJob, exc: Exception) -> JobResult:
        s = self.settings
        code = getattr(exc, "code", None) or "internal_error"
        message = f"{type(exc).__name__}: {exc}"
        if job.attempts >= s.job_max_attempts:
            log.error("call %s: giving up after %d attempts", job.call_id, job.attempts)
            return self._failed(job, str(code), f"gave up after {job.attempts} attempts: {message}")
        delay = retry_delay_s(job.attempts, s.job_retry_backoff_s, s.job_retry_backoff_max_s)
        log.warning("call %s: transient failure (%s); retry in %.0f s", job.call_id, message, delay)
        claims.release_for_retry(
            self.db, job, delay, str(code), message, enqueued=self._broker_retries
        )
        metrics.JOB_RETRIES.labels(str(code)).inc()
        return JobResult(Outcome.RETRY, delay)

    def _not_claimed(self, call_id: uuid.UUID) -> JobResult:
        """Queued but not yet due (backoff) -> NOT_YET with the wait; otherwise SKIPPED."""
        with self.db.session() as session:
            row = session.execute(
                select(Call.status, Call.available_at).where(Call.id == call_id)
            ).first()
        if row is not None and row.status == QUEUED:
            wait = (row.available_at - utcnow()).total_seconds()
            return JobResult(Outcome.NOT_YET, max(0.5, wait))
        return JobResult(Outcome.SKIPPED)
