"""/v1/callbacks: a team registers where to receive signed call done/failed events."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from service.api.deps import AdminKey, SessionDep, StateDep
from service.api.schemas import CallbackCreated, CallbackIn, CallbackOut
from service.db.models import Callback
from service.fetch.guard import UnsafeURLError, check_url

router = APIRouter(prefix="/v1/callbacks", tags=["callbacks"])

# Ids are 32-bit database integers (INTEGER on PostgreSQL): a larger number is no
# callback, answered before it reaches the database (where it would overflow).
CallbackId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the callback's id")]


def _out(row: Callback) -> CallbackOut:
    return CallbackOut(id=row.id, url=row.url, active=row.active, created_at=row.created_at)


@router.post("", status_code=201, response_model=CallbackCreated)
async def create_callback(body: CallbackIn, key: AdminKey, state: StateDep) -> CallbackCreated:
    """Every call of the team that ends (done or failed) is POSTed there as JSON, signed
    with X-Callcoach-Timestamp and X-Callcoach-Signature (``v1=`` + hex HMAC-SHA256 of
    timestamp + "." + body), retried with exponential backoff until a 2xx answer."""
    url = str(body.url)
    try:
        await run_in_threadpool(
            check_url, url, allowed_hosts=None, private_hosts=state.settings.private_network_hosts
        )
    except UnsafeURLError as exc:
        raise HTTPException(422, f"callback URL refused: {exc}") from None
    secret = body.secret or secrets.token_urlsafe(32)

    def add() -> Callback:
        with state.db.session() as session:
            row = Callback(team_id=key.team_id, url=url, secret=secret, active=True)
            session.add(row)
            session.flush()
            return row

    row = await run_in_threadpool(add)
    return CallbackCreated(**_out(row).model_dump(), secret=secret)


@router.get("", response_model=list[CallbackOut])
def list_callbacks(key: AdminKey, session: SessionDep) -> list[CallbackOut]:
    rows = session.scalars(
        select(Callback).where(Callback.team_id == key.team_id).order_by(Callback.id)
    )
    return [_out(r) for r in rows]


@router.delete("/{callback_id}", status_code=204)
def delete_callback(callback_id: CallbackId, key: AdminKey, session: SessionDep) -> None:
    row = session.get(Callback, callback_id)
    if row is None or row.team_id != key.team_id:
        raise HTTPException(404, "no such callback")
    session.delete(row)
