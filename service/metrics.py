"""Prometheus metrics of this process (each API or worker process exposes its own).

Queue depth is read from the database at scrape time, so every process reports the
same true value whatever the queue backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)

CALLS_RECEIVED = Counter(
    "callcoach_calls_received", "Calls accepted for analysis", ["source"], registry=REGISTRY
)
CALLS_REJECTED = Counter(
    "callcoach_calls_rejected", "Uploads refused before storing", ["reason"], registry=REGISTRY
)
CALLS_DONE = Counter("callcoach_calls_done", "Calls analysed", registry=REGISTRY)
CALLS_FAILED = Counter("callcoach_calls_failed", "Calls failed", ["code"], registry=REGISTRY)
JOB_RETRIES = Counter(
    "callcoach_job_retries", "Transient job failures retried", ["code"], registry=REGISTRY
)
ANALYSIS_SECONDS = Histogram(
    "callcoach_analysis_seconds",
    "Wall time of one call's analysis",
    buckets=(1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600),
    registry=REGISTRY,
)

StatusCounts = Callable[[], dict[str, int]]


class _QueueDepthCollector(Collector):
    def __init__(self) -> None:
        self.source: StatusCounts | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "callcoach_queue_depth", "Calls by job status (database)", labels=["status"]
        )
        if self.source is not None:
            for status, count in sorted(self.source().items()):
                gauge.add_metric([status], count)
        yield gauge


_QUEUE_DEPTH = _QueueDepthCollector()
REGISTRY.register(_QUEUE_DEPTH)


def set_queue_depth_source(source: StatusCounts | None) -> None:
    """Where the queue-depth gauge reads from (the app sets its database)."""
    _QUEUE_DEPTH.source = source
