"""Job claims on SQLite and PostgreSQL: exactly one winner, lease takeover, a stale
worker cannot write a result, retries wait for their backoff, crash loops end."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from analyzers.report import Finding, Metric, Parties, Pickup, Report
from service.db.models import Call, CallFinding, CallMetric, CallReport
from service.db.session import Database
from service.jobs import claims
from tests.service.conftest import add_call
from tests.service.jobs.clock import ManualClock

pytestmark = pytest.mark.services


def _report(speech_rate: float = 150.0, interruptions: int = 2) -> Report:
    findings = [
        Finding(
            rule="interruption",
            severity="warning",
            start_s=float(i),
            end_s=float(i) + 1,
            value=1.0,
            expected="none",
            message="interrupted",
            advice="let them finish",
        )
        for i in range(interruptions)
    ]
    return Report(
        duration_s=12.5,
        sample_rate=8000,
        channels=2,
        ranges_profile="default",
        pickup=Pickup(),
        parties=Parties(),
        findings=findings,
        metrics=[
            Metric(
                rule="speech_rate",
                label="pace",
                value=speech_rate,
                unit="wpm",
                expected="120-160",
                status="ok",
            ),
            Metric(
                rule="talk_ratio",
                label="talk share",
                value=45.0,
                unit="%",
                expected="30-60",
                status="ok",
            ),
            Metric(
                rule="talk_ratio",
                label="longest monologue",
                value=30.5,
                unit="s",
                expected="<= 60",
                status="ok",
            ),
            Metric(
                rule="opening",
                label="opening",
                value="greeting missing",
                unit="",
                expected="greeting",
                status="warning",
            ),
        ],
    )


def _status(db: Database, call_id: uuid.UUID) -> Call:
    with db.session() as session:
        return session.get_one(Call, call_id)


def test_concurrent_claims_have_one_winner(db: Database) -> None:
    call_id = add_call(db)
    barrier = threading.Barrier(8)

    def attempt(i: int) -> claims.ClaimedJob | None:
        barrier.wait()
        return claims.claim(db, call_id, f"w{i}", lease_s=30, max_attempts=3)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    row = _status(db, call_id)
    assert row.status == "processing"
    assert row.attempts == 1
    assert row.lease_owner == winners[0].lease_owner


def test_claim_next_hands_out_each_job_once(db: Database) -> None:
    ids = {add_call(db) for _ in range(12)}
    taken: list[uuid.UUID] = []
    lock = threading.Lock()

    def drain(i: int) -> None:
        while (job := claims.claim_next(db, f"w{i}", lease_s=30, max_attempts=3)) is not None:
            with lock:
                taken.append(job.call_id)

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(ids)


def test_expired_lease_is_taken_over_and_stale_result_discarded(db: Database) -> None:
    call_id = add_call(db)
    clock = ManualClock()
    first = claims.claim(db, call_id, "a", lease_s=60, max_attempts=3, clock=clock)
    assert first is not None
    clock.advance(59.9)
    assert claims.claim(db, call_id, "b", lease_s=60, max_attempts=3, clock=clock) is None
    clock.advance(0.2)  # the lease has expired
    second = claims.claim(db, call_id, "b", lease_s=60, max_attempts=3, clock=clock)
    assert second is not None and second.attempts == 2
    assert not claims.heartbeat(db, first, 60, clock=clock)
    assert not claims.complete(db, first, _report(), 1.0, clock=clock)  # the stalled one loses
    assert claims.complete(db, second, _report(), 2.0, clock=clock)
    assert not claims.complete(db, second, _report(), 2.0, clock=clock)  # and only once
    row = _status(db, call_id)
    assert (row.status, row.analysis_s, row.findings_count) == ("done", 2.0, 2)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CallReport)) == 1


def test_heartbeat_keeps_the_lease(db: Database) -> None:
    call_id = add_call(db)
    clock = ManualClock()
    job = claims.claim(db, call_id, "a", lease_s=60, max_attempts=3, clock=clock)
    assert job is not None
    for _ in range(5):  # 200 s in all, far past the first lease
        clock.advance(40)
        assert claims.heartbeat(db, job, 60, clock=clock)
        assert claims.claim(db, call_id, "b", lease_s=60, max_attempts=3, clock=clock) is None
    clock.advance(61)  # the heartbeat stops: the lease runs out
    assert claims.claim(db, call_id, "b", lease_s=60, max_attempts=3, clock=clock) is not None
    assert not claims.heartbeat(db, job, 60, clock=clock)


def test_complete_stores_report_metrics_and_findings(db: Database) -> None:
    call_id = add_call(db)
    job = claims.claim(db, call_id, "a", lease_s=30, max_attempts=3)
    assert job is not None
    assert claims.complete(db, job, _report(speech_rate=171.5, interruptions=3), 4.0)
    with db.session() as session:
        stored = session.get_one(CallReport, call_id)
        assert stored.report["metrics"][0]["value"] == 171.5
        metrics = {
            (m.rule, m.label, m.unit): (m.value, m.status)
            for m in session.scalars(select(CallMetric))
        }
        assert metrics == {
            ("speech_rate", "pace", "wpm"): (171.5, "ok"),
            ("talk_ratio", "talk share", "%"): (45.0, "ok"),
            ("talk_ratio", "longest monologue", "s"): (30.5, "ok"),
            ("opening", "opening", ""): (None, "warning"),
        }
        findings = {f.rule: f.count for f in session.scalars(select(CallFinding))}
        assert findings == {"interruption": 3}


def test_retry_waits_for_backoff(db: Database) -> None:
    call_id = add_call(db)
    job = claims.claim(db, call_id, "a", lease_s=30, max_attempts=3)
    assert job is not None
    clock = ManualClock()
    assert claims.release_for_retry(
        db, job, 300, "internal_error", "boom", enqueued=False, clock=clock
    )
    row = _status(db, call_id)
    assert (row.status, row.error_code) == ("queued", "internal_error")
    clock.advance(299)
    assert claims.claim(db, call_id, "b", lease_s=30, max_attempts=3, clock=clock) is None
    assert claims.due_job_ids(db, clock=clock) == []
    clock.advance(2)
    assert claims.due_job_ids(db, clock=clock) == [call_id]
    again = claims.claim_next(db, "b", lease_s=30, max_attempts=3, clock=clock)
    assert again is not None and again.attempts == 2


def test_fail_records_reason(db: Database) -> None:
    call_id = add_call(db)
    job = claims.claim(db, call_id, "a", lease_s=30, max_attempts=3)
    assert job is not None
    assert claims.fail(db, job, "corrupt_audio", "no samples")
    row = _status(db, call_id)
    assert (row.status, row.error_code, row.error_message) == (
        "failed",
        "corrupt_audio",
        "no samples",
    )
    assert claims.claim(db, call_id, "b", lease_s=30, max_attempts=3) is None


def test_crash_loop_ends_as_failed(db: Database) -> None:
    call_id = add_call(db)
    clock = ManualClock()
    for _ in range(2):
        job = claims.claim(db, call_id, "a", lease_s=60, max_attempts=2, clock=clock)
        assert job is not None
        clock.advance(61)  # the worker "dies": its lease expires
    assert claims.claim(db, call_id, "b", lease_s=60, max_attempts=2, clock=clock) is None
    row = _status(db, call_id)
    assert (row.status, row.error_code) == ("failed", "worker_lost")
