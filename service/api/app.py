"""The FastAPI application: routes plus the process's services (database, storage,
queue, in-process worker, callback dispatcher), started and stopped with the app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import func, select

from service import metrics
from service.api.docs import install_docs
from service.api.errors import install_error_handlers
from service.api.openapi import install_openapi
from service.api.routes import (
    agents,
    callbacks,
    calls,
    findings,
    health,
    live,
    privacy,
    ranges,
    search,
    webhooks,
)
from service.api.security_headers import SecurityHeaders
from service.api.state import ServiceState
from service.callbacks.dispatcher import CallbackDispatcher
from service.config import Settings, get_settings
from service.db.migrate import upgrade_to_head
from service.db.models import Call
from service.db.session import Database
from service.jobs.inprocess import InProcessWorker
from service.jobs.queue import JobQueue
from service.jobs.runner import JobRunner, new_worker_id
from service.jobs.warmup import ModelWarmup
from service.live.services import close_live_services
from service.storage import LocalDiskStorage

log = logging.getLogger(__name__)


def status_counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(Call.status, func.count()).group_by(Call.status)).all()
    counts = {status: 0 for status in ("queued", "processing", "done", "failed")}
    counts.update({status: int(n) for status, n in rows})
    return counts


def start_services(settings: Settings) -> ServiceState:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.effective_database_url)
    upgrade_to_head(db.engine)
    storage = LocalDiskStorage(settings.effective_storage_dir)
    storage.sweep_incoming()
    worker_id = new_worker_id("api")
    warmup: ModelWarmup | None = None
    inprocess: InProcessWorker | None = None
    queue: JobQueue
    if settings.queue_backend == "inprocess":
        warmup = ModelWarmup(settings)
        if settings.warm_up_model:
            warmup.start()
        inprocess = InProcessWorker(
            JobRunner(settings, db, storage, worker_id),
            warmup if settings.warm_up_model else None,
        )
        queue = inprocess
    else:
        from service.jobs.queue import CeleryQueue

        queue = CeleryQueue(settings, db)
    dispatcher = CallbackDispatcher(db, settings, worker_id, settings.job_poll_s)
    state = ServiceState(
        settings=settings,
        db=db,
        storage=storage,
        queue=queue,
        worker_id=worker_id,
        warmup=warmup,
        inprocess=inprocess,
        dispatcher=dispatcher,
    )
    if inprocess is not None:
        inprocess.start()
    dispatcher.start()
    metrics.set_queue_depth_source(lambda: status_counts(db))
    return state


def stop_services(state: ServiceState) -> None:
    if state.inprocess is not None:
        state.inprocess.stop(state.settings.shutdown_grace_s)
    if state.dispatcher is not None:
        state.dispatcher.stop(state.settings.shutdown_grace_s)
    metrics.set_queue_depth_source(None)
    state.db.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await run_in_threadpool(start_services, settings)
        app.state.callcoach = state
        try:
            yield
        finally:
            await close_live_services(state)
            await run_in_threadpool(stop_services, state)

    app = FastAPI(
        title="callcoach",
        version="1",
        summary="Speech-analysis feedback for contact-centre calls",
        description="Upload call recordings (or let the telephony platform post them), "
        "get a report against the coach's ranges. Authenticate with an API key: "
        "`Authorization: Bearer <key>` or `X-API-Key: <key>`.",
        lifespan=lifespan,
        docs_url=None,  # install_docs: the same pages, assets served locally
        redoc_url=None,
    )
    install_error_handlers(app)
    install_docs(app)
    install_openapi(app)
    app.add_middleware(SecurityHeaders)
    routers = (calls, findings, agents, webhooks, callbacks, health, ranges, search, privacy, live)
    for module in routers:
        app.include_router(module.router)
    # ---- the coach dashboard (service/dashboard, its own engineer): pages + /static ----
    # Part of the product: if it cannot load, startup stops (an API without its dashboard
    # is a half-installed service), and the error says it was the dashboard.
    try:
        from service.dashboard import install_dashboard

        install_dashboard(app)
    except Exception as exc:
        raise RuntimeError(f"coach dashboard (service.dashboard) failed to load: {exc}") from exc
    return app
