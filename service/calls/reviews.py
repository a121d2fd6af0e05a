"""Reviews of a call's findings: the call's agent acknowledges a finding or disputes it
with a comment; a coach dismisses a disputed finding (it stays in the report and its
history, and stops being counted) or reopens it.

Every step is a row (``FindingReview``); a finding's state is its last step's. A row
names its finding by a key that survives scoring the call again (rule, party and start
time), not by its index in the report, which a new ranges profile may shift.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from analyzers.report import Finding, Report
from service.calls.results import recount_findings
from service.db.models import DONE, Call, CallReport, FindingReview

MAX_COMMENT_CHARS = 2000

Role = Literal["agent", "coach"]
AGENT: Role = "agent"
COACH: Role = "coach"
OPEN, ACKNOWLEDGED, DISPUTED, DISMISSED = "open", "acknowledged", "disputed", "dismissed"
ReviewAction = Literal["acknowledge", "dispute", "dismiss", "reopen"]
ReviewState = Literal["open", "acknowledged", "disputed", "dismissed"]


@dataclass(frozen=True)
class Transition:
    role: Role  # who may take this step
    after: tuple[str, ...]  # the states it may follow
    to: str  # the finding's state after it


TRANSITIONS: dict[str, Transition] = {
    "acknowledge": Transition(AGENT, (OPEN, DISPUTED), ACKNOWLEDGED),
    "dispute": Transition(AGENT, (OPEN, ACKNOWLEDGED), DISPUTED),
    "dismiss": Transition(COACH, (DISPUTED,), DISMISSED),
    # The coach keeps a disputed finding, or undoes a dismissal: it counts again.
    "reopen": Transition(COACH, (DISPUTED, DISMISSED), OPEN),
}


class ReviewIn(BaseModel):
    """A step in a finding's review: the agent's ``acknowledge`` or ``dispute`` (with a
    comment), the coach's ``dismiss`` (a disputed finding) or ``reopen``."""

    model_config = ConfigDict(extra="forbid")

    action: ReviewAction
    comment: str | None = Field(
        None,
        max_length=MAX_COMMENT_CHARS,
        pattern=r"^[^\x00]*$",  # PostgreSQL text cannot hold NUL
        description="why (required to dispute)",
    )


class ReviewError(ValueError):
    """The step is refused: an HTTP status, a stable code and a message for a person."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Reviewer:
    """Who takes a step: the call's agent (an agent's key) or a coach (a team key)."""

    role: Role
    author: str

    @classmethod
    def of_key(cls, key_id: str, agent_id: str | None) -> Reviewer:
        """An agent's key speaks for its agent; any other key of the team is a coach's."""
        return cls(AGENT if agent_id is not None else COACH, key_id)


@dataclass
class FindingState:
    """One finding of a call with its review: the current state and every step."""

    index: int
    key: str
    finding: Finding
    history: list[FindingReview] = field(default_factory=list)

    @property
    def state(self) -> str:
        return TRANSITIONS[self.history[-1].action].to if self.history else OPEN

    @property
    def counted(self) -> bool:
        """Whether trends, summaries and exports count it (a dismissed finding is not)."""
        return self.state != DISMISSED

    def steps(self, role: Role) -> list[str]:
        """The steps ``role`` may take from the current state."""
        return [a for a, t in TRANSITIONS.items() if t.role == role and self.state in t.after]


def finding_keys(findings: Sequence[Finding]) -> list[str]:
    """Each finding's key, ``rule:party:start`` (start in tenths of a second, ``call`` for a
    whole-call finding); a repeat of a key gets ``~2``, ``~3`` in report order."""
    seen: Counter[str] = Counter()
    keys = []
    for f in findings:
        at = "call" if f.start_s is None else f"{f.start_s:.1f}"
        base = f"{f.rule}:{f.party or 'call'}:{at}"
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base}~{seen[base]}")
    return keys


def finding_states(
    session: Session, call_id: uuid.UUID, findings: Sequence[Finding]
) -> list[FindingState]:
    """The call's findings in report order, each with its review history (oldest first).
    Steps on findings a new scoring removed are kept but not shown."""
    keys = finding_keys(findings)
    states = [FindingState(i, keys[i], f) for i, f in enumerate(findings)]
    by_key = {s.key: s for s in states}
    rows = session.scalars(
        select(FindingReview).where(FindingReview.call_id == call_id).order_by(FindingReview.id)
    )
    for row in rows:
        if row.finding_key in by_key:
            by_key[row.finding_key].history.append(row)
    return states


def dismissed_indices(
    session: Session, call_id: uuid.UUID, findings: Sequence[Finding]
) -> set[int]:
    """Indices of the findings a coach dismissed (none counted)."""
    return {s.index for s in finding_states(session, call_id, findings) if not s.counted}


def stored_findings_report(session: Session, call: Call) -> Report:
    """The analysed call's report; ReviewError 409 while it has none."""
    row = session.get(CallReport, call.id) if call.status == DONE else None
    if row is None:
        raise ReviewError(409, "not_analysed", f"the call is {call.status}: no findings yet")
    return Report.model_validate(row.report)


_DONE_WORD = {
    "acknowledge": "acknowledged",
    "dispute": "disputed",
    "dismiss": "dismissed",
    "reopen": "reopened",
}


def _refusal(transition: Transition, action: str, state: FindingState) -> ReviewError | None:
    """Why ``action`` cannot follow the finding's state (409), or None when it can."""
    if state.state in transition.after:
        return None
    number = state.index + 1
    if state.state == transition.to:
        return ReviewError(
            409, f"already_{state.state}", f"finding {number} is {state.state} already"
        )
    if state.state == DISMISSED:
        return ReviewError(
            409,
            "finding_dismissed",
            f"finding {number} was dismissed by a coach (a coach may reopen it)",
        )
    return ReviewError(
        409,
        "invalid_transition",
        f"finding {number} is {state.state}: only a {' or '.join(transition.after)} finding "
        f"can be {_DONE_WORD[action]}",
    )


def review_finding(
    session: Session, call: Call, index: int, step: ReviewIn, reviewer: Reviewer
) -> FindingState:
    """Record ``step`` on finding ``index`` of ``call``; ReviewError when it is refused.
    A dismissal (or reopening one) recounts the call's findings."""
    transition = TRANSITIONS[step.action]
    if reviewer.role != transition.role:
        who = "the call's agent (an agent's key)" if transition.role == AGENT else "a coach"
        raise ReviewError(403, f"{transition.role}_only", f"only {who} may {step.action}")
    # One step at a time per call: the state read below is the one the step follows.
    session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
    report = stored_findings_report(session, call)
    if not 0 <= index < len(report.findings):
        raise ReviewError(404, "no_such_finding", f"the call has no finding {index + 1}")
    states = finding_states(session, call.id, report.findings)
    state = states[index]
    comment = (step.comment or "").strip() or None
    if step.action == "dispute" and comment is None:
        raise ReviewError(422, "comment_required", "say why you dispute the finding")
    refused = _refusal(transition, step.action, state)
    if refused is not None:
        raise refused
    was_counted = state.counted
    row = FindingReview(
        call_id=call.id,
        finding_key=state.key,
        action=step.action,
        comment=comment,
        role=reviewer.role,
        author=reviewer.author,
    )
    session.add(row)
    session.flush()
    state.history.append(row)
    if state.counted != was_counted:
        dismissed = {s.index for s in states if not s.counted}
        recount_findings(session, call.id, report, dismissed)
    return state
