"""/v1/calls/{id}/findings: each finding with its review, and the review's steps (the
call's agent acknowledges or disputes, a coach dismisses a disputed finding or reopens it)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, status

from service.api.deps import CallReadKey, SessionDep
from service.api.errors import api_error
from service.api.routes.calls import call_of_key
from service.api.schemas import ErrorBody, FindingReviewOut
from service.calls.reviews import (
    Reviewer,
    ReviewError,
    ReviewIn,
    finding_states,
    review_finding,
    stored_findings_report,
)

router = APIRouter(prefix="/v1/calls", tags=["findings"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid API key"},
    403: {"model": ErrorBody, "description": "the key lacks the scope"},
    404: {
        "model": ErrorBody,
        "description": "no such call in the key's team (an agent's key: among the agent's "
        "calls); code no_such_finding: no finding at that index",
    },
    409: {"model": ErrorBody, "description": "code not_analysed: the call has no report yet"},
}


@router.get(
    "/{call_id}/findings",
    response_model=list[FindingReviewOut],
    responses=_ERRORS,
    summary="A call's findings and their review",
)
def list_findings(
    call_id: uuid.UUID, key: CallReadKey, session: SessionDep
) -> list[FindingReviewOut]:
    """Every finding of the report, in its order, with its review state and history.
    A dismissed finding is listed (``counted`` false) but left out of trends, summaries
    and exports."""
    call = call_of_key(session, key, call_id)
    try:
        report = stored_findings_report(session, call)
    except ReviewError as exc:
        raise api_error(exc.status, str(exc), exc.code) from None
    return [
        FindingReviewOut.from_state(s) for s in finding_states(session, call.id, report.findings)
    ]


@router.post(
    "/{call_id}/findings/{index}/reviews",
    status_code=status.HTTP_201_CREATED,
    response_model=FindingReviewOut,
    responses={
        **_ERRORS,
        403: {
            "model": ErrorBody,
            "description": "code agent_only: acknowledge and dispute take the call's agent's "
            "key; code coach_only: dismiss and reopen take a coach's (team) key",
        },
        409: {
            "model": ErrorBody,
            "description": "the step cannot follow the finding's state: codes "
            "already_acknowledged, already_disputed, already_dismissed, already_open, "
            "finding_dismissed, invalid_transition (e.g. dismissing a finding nobody "
            "disputed); not_analysed",
        },
        422: {"model": ErrorBody, "description": "code comment_required: a dispute says why"},
    },
    summary="Acknowledge, dispute, dismiss or reopen a finding",
)
def add_review(
    call_id: uuid.UUID,
    index: Annotated[int, Path(ge=0, le=100_000, description="index in the report's findings")],
    step: ReviewIn,
    key: CallReadKey,
    session: SessionDep,
) -> FindingReviewOut:
    """The call's agent (an agent's key) acknowledges a finding or disputes it with a
    comment; a coach (a team key with the read scope) dismisses a disputed finding, which
    stops counting in trends, summaries and exports, or reopens it (keeps a disputed
    finding, or undoes a dismissal)."""
    call = call_of_key(session, key, call_id)
    try:
        found = review_finding(
            session, call, index, step, Reviewer.of_key(key.key_id, key.agent_id)
        )
    except ReviewError as exc:
        session.rollback()
        raise api_error(exc.status, str(exc), exc.code) from None
    session.commit()
    return FindingReviewOut.from_state(found)
