"""/healthz (the process answers), /readyz (database, queue, model), /metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.api.deps import StateDep
from service.api.errors import database_problem
from service.api.schemas import HealthOut, ReadyOut
from service.api.state import ServiceState
from service.metrics import REGISTRY

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
def healthz() -> HealthOut:
    return HealthOut(status="ok")


def _readiness(state: ServiceState) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        state.db.ping()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {database_problem(exc)}"
    try:
        state.queue.ping()
        checks["queue"] = "ok"
    except Exception as exc:
        checks["queue"] = f"error: {type(exc).__name__}"
    if state.settings.queue_backend == "inprocess":
        warmup = state.warmup
        model = warmup.state() if warmup is not None else "lazy"
        checks["model"] = f"ok ({model})" if model in ("loaded", "lazy") else model
        if model == "error" and warmup is not None:
            checks["model"] = f"error: {warmup.error}"
    else:
        from service.jobs.celery_app import live_workers

        try:
            workers = live_workers(state.settings)
            usable = sum(1 for w in workers if w.get("model") in ("loaded", "lazy"))
            checks["model"] = (
                f"ok ({usable} of {len(workers)} workers)" if usable else "no worker ready"
            )
        except Exception as exc:
            checks["model"] = f"error: {type(exc).__name__}"
    return checks


@router.get("/readyz", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
async def readyz(state: StateDep, response: Response) -> ReadyOut:
    checks = await run_in_threadpool(_readiness, state)
    ready = all(v.startswith("ok") for v in checks.values())
    if not ready:
        response.status_code = 503
    return ReadyOut(ready=ready, checks=checks)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def prometheus_metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
