"""A finding's review from the call page: the agent's Acknowledge and Dispute buttons,
the coach's Dismiss and Reopen (service/calls/reviews.py decides what may follow what)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.api.deps import StateDep
from service.calls.intake import first_error
from service.calls.reviews import Reviewer, ReviewError, ReviewIn, review_finding
from service.dashboard.auth import CSRF_FIELD, CallsPageViewer, check_csrf
from service.dashboard.queries import own_call

router = APIRouter(include_in_schema=False)


@router.post("/calls/{call_id}/findings/{index}/review")
async def review_step(
    call_id: uuid.UUID,
    index: Annotated[int, Path(ge=0, le=100_000)],
    request: Request,
    viewer: CallsPageViewer,
    state: StateDep,
) -> Response:
    """One step of the finding's review; back to the finding, with the reason when the
    step was refused."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_csrf(request, state, form.get(CSRF_FIELD))
    anchor = f"#finding-{index}"
    try:
        step = ReviewIn.model_validate(
            {"action": form.get("action", ""), "comment": form.get("comment") or None}
        )
    except ValidationError as exc:
        return _back(call_id, index, first_error(exc.errors(), "form"))
    reviewer = Reviewer.of_key(viewer.principal.key_id, viewer.agent_id)

    def save() -> str | None:
        with state.db.session() as session:
            call = own_call(session, viewer.principal, call_id)
            if call is None:
                raise HTTPException(404, "no such call")
            try:
                review_finding(session, call, index, step, reviewer)
            except ReviewError as exc:
                session.rollback()
                return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error is not None:
        return _back(call_id, index, error)
    return RedirectResponse(f"/calls/{call_id}{anchor}", status_code=303)


def _back(call_id: uuid.UUID, index: int, error: str) -> Response:
    query = urlencode({"review_error": error, "review_at": index})
    return RedirectResponse(f"/calls/{call_id}?{query}#finding-{index}", status_code=303)
