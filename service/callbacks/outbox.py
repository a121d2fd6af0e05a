"""Delivery rows written in the same transaction as the call's final status (an outbox):
a crash after the commit cannot lose the notification, and a rolled-back result
cannot send one."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import Call, Callback, WebhookDelivery

CallEvent = Literal["call.done", "call.failed"]


def call_summary(call: Call, event: str) -> dict[str, Any]:
    return {
        "event": event,
        "call": {
            "id": str(call.id),
            "external_id": call.external_id,
            "agent_id": call.agent_id,
            "source": call.source,
            "status": call.status,
            "error_code": call.error_code,
            "error_message": call.error_message,
            "duration_s": call.duration_s,
            "findings_count": call.findings_count,
            "created_at": call.created_at.isoformat() if call.created_at else None,
            "finished_at": call.finished_at.isoformat() if call.finished_at else None,
            "report_url": f"/v1/calls/{call.id}/report" if event == "call.done" else None,
        },
    }


def add_deliveries(session: Session, call: Call, event: CallEvent) -> int:
    """Queue one delivery per active callback of the call's team; returns how many."""
    session.refresh(call)
    callbacks = session.scalars(
        select(Callback).where(Callback.team_id == call.team_id, Callback.active.is_(True))
    ).all()
    payload = call_summary(call, event)
    for callback in callbacks:
        session.add(
            WebhookDelivery(callback_id=callback.id, call_id=call.id, event=event, payload=payload)
        )
    return len(callbacks)
