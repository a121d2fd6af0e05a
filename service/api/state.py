"""Everything the routes share in one process: settings, database, storage, queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from service.callbacks.dispatcher import CallbackDispatcher
from service.config import Settings
from service.db.session import Database
from service.jobs.inprocess import InProcessWorker
from service.jobs.queue import JobQueue
from service.jobs.warmup import ModelWarmup
from service.storage import LocalDiskStorage

if TYPE_CHECKING:
    from service.live.services import LiveServices


@dataclass
class ServiceState:
    settings: Settings
    db: Database
    storage: LocalDiskStorage
    queue: JobQueue
    worker_id: str
    warmup: ModelWarmup | None = None
    inprocess: InProcessWorker | None = None
    dispatcher: CallbackDispatcher | None = None
    sample_key: str | None = field(default=None, repr=False)
    live: LiveServices | None = field(default=None, repr=False)  # made by the first live socket
