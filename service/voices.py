"""Agent voice enrolment: each agent's voice, learnt from their analysed stereo calls.

A finished stereo call of a known agent leaves a voice print (the analysis' embedding
of the agent's channel, ``Report.agent_voice``, never part of the stored report) when
its agent channel was not a guess: given by the sender, confirmed by the company's name
in the agent's opening, or found by the enrolled voice itself. A channel taken only
because it spoke first could be the customer's (an outbound call) and would teach the
enrolment the wrong voice. The agent's enrolled voice is the element-wise median of
their latest prints (a wrong one among them does not move it far); it is used once it
rests on ``voice_enrolment_min_calls`` calls and is refreshed with every new print and
every deleted call (prints go with their call).
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analyzers.report import Report
from service.db.models import AgentVoice, Call, VoicePrint
from service.db.types import utcnow

# A print is taken only where the agent's channel was known, not guessed.
_TRUSTED_BASES = frozenset({"option", "company_name", "enrolled_voice"})
_LATEST_PRINTS = 20


def record_voice_print(session: Session, call: Call, report: Report) -> bool:
    """Keep the agent's voice print of a finished call; True when one was kept."""
    separation, voice = report.separation, report.agent_voice
    if call.agent_id is None or voice is None or separation is None:
        return False
    if separation.method != "channels" or separation.agent_basis not in _TRUSTED_BASES:
        return False
    session.execute(delete(VoicePrint).where(VoicePrint.call_id == call.id))
    session.add(
        VoicePrint(call_id=call.id, team_id=call.team_id, agent_id=call.agent_id, embedding=voice)
    )
    session.flush()
    refresh_enrolment(session, call.team_id, call.agent_id)
    return True


def refresh_enrolment(session: Session, team_id: int, agent_id: str) -> AgentVoice | None:
    """The agent's enrolled voice from their latest prints (none left: no enrolment)."""
    prints = session.scalars(
        select(VoicePrint.embedding)
        .where(VoicePrint.team_id == team_id, VoicePrint.agent_id == agent_id)
        .order_by(VoicePrint.created_at.desc())
        .limit(_LATEST_PRINTS)
    ).all()
    row = session.get(AgentVoice, (team_id, agent_id))
    if not prints:
        if row is not None:
            session.delete(row)
        return None
    median = [round(float(v), 5) for v in np.median(np.asarray(prints, dtype=float), axis=0)]
    if row is None:
        row = AgentVoice(team_id=team_id, agent_id=agent_id, embedding=median, calls=len(prints))
        session.add(row)
    else:
        row.embedding, row.calls, row.updated_at = median, len(prints), utcnow()
    return row


def enrolled_voice(
    session: Session, team_id: int, agent_id: str | None, min_calls: int
) -> list[float] | None:
    """The agent's enrolled voice when it rests on at least ``min_calls`` calls."""
    if agent_id is None:
        return None
    row = session.get(AgentVoice, (team_id, agent_id))
    if row is None or row.calls < min_calls:
        return None
    return [float(v) for v in row.embedding]
