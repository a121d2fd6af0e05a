"""Send due callback deliveries: signed POST, retried with exponential backoff.

Delivery is at least once: a receiver deduplicates on the X-Callcoach-Delivery id.
Runs as a thread in `callcoach serve` and in every `callcoach worker`; rows are
claimed with a compare-and-set lease so two processes do not send the same attempt.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta

import httpx
from sqlalchemy import and_, or_, select, update

from service.backoff import retry_delay_s
from service.config import Settings
from service.db.models import FAILED, PENDING, Callback, WebhookDelivery
from service.db.session import Database, changed_rows
from service.db.types import utcnow
from service.fetch.guard import UnsafeURLError, check_url, pinned_request
from service.signing import sign

log = logging.getLogger(__name__)

DELIVERY_HEADER = "X-Callcoach-Delivery"
EVENT_HEADER = "X-Callcoach-Event"
_LEASE_S = 60.0


def _claim(db: Database, delivery_id: int, owner: str) -> bool:
    now = utcnow()
    with db.session() as session:
        return (
            changed_rows(
                session,
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    WebhookDelivery.status == PENDING,
                    WebhookDelivery.next_attempt_at <= now,
                    or_(
                        WebhookDelivery.lease_expires_at.is_(None),
                        WebhookDelivery.lease_expires_at < now,
                    ),
                )
                .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=_LEASE_S))
                .execution_options(synchronize_session=False),
            )
            == 1
        )


def deliver_due(db: Database, settings: Settings, owner: str, limit: int = 20) -> int:
    """One pass: send every due delivery this process can claim; returns how many tried."""
    now = utcnow()
    with db.session() as session:
        due = session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at <= now,
                or_(
                    WebhookDelivery.lease_expires_at.is_(None),
                    WebhookDelivery.lease_expires_at < now,
                ),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        ).all()
    tried = 0
    for delivery_id in due:
        if _claim(db, delivery_id, owner):
            _attempt(db, settings, delivery_id, owner)
            tried += 1
    return tried


def _attempt(db: Database, settings: Settings, delivery_id: int, owner: str) -> None:
    with db.session() as session:
        delivery = session.get_one(WebhookDelivery, delivery_id)
        callback = session.get_one(Callback, delivery.callback_id)
        url, secret = callback.url, callback.secret
        body = json.dumps(
            {"delivery_id": delivery.id, **delivery.payload}, separators=(",", ":")
        ).encode()
        event = delivery.event
    status_code: int | None = None
    try:
        status_code = post_signed(url, secret, body, event, delivery_id, settings)
        error = None if 200 <= status_code < 300 else f"HTTP {status_code}"
    except UnsafeURLError as exc:
        error = f"callback URL refused: {exc}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    _record(db, settings, delivery_id, owner, status_code, error)


def post_signed(
    url: str, secret: str, body: bytes, event: str, delivery_id: int, settings: Settings
) -> int:
    checked = check_url(url, allowed_hosts=None, private_hosts=settings.private_network_hosts)
    target, pin_headers, extensions = pinned_request(checked)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "callcoach-webhooks/1",
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        **sign(secret, body),
        **pin_headers,
    }
    with httpx.Client(timeout=settings.callback_timeout_s, trust_env=False) as client:
        response = client.post(target, content=body, headers=headers, extensions=extensions)
    return response.status_code


def _record(
    db: Database,
    settings: Settings,
    delivery_id: int,
    owner: str,
    status_code: int | None,
    error: str | None,
) -> None:
    now = utcnow()
    with db.session() as session:
        delivery = session.scalar(
            select(WebhookDelivery).where(
                and_(WebhookDelivery.id == delivery_id, WebhookDelivery.lease_owner == owner)
            )
        )
        if delivery is None:
            return
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_error = error
        delivery.lease_owner = None
        delivery.lease_expires_at = None
        if error is None:
            delivery.status = "delivered"
            delivery.delivered_at = now
        elif delivery.attempts >= settings.callback_max_attempts:
            delivery.status = FAILED
            log.warning("callback delivery %d gave up: %s", delivery_id, error)
        else:
            delay = retry_delay_s(
                delivery.attempts, settings.callback_backoff_s, settings.callback_backoff_max_s
            )
            delivery.next_attempt_at = now + timedelta(seconds=delay)


class CallbackDispatcher:
    """A daemon thread calling :func:`deliver_due` every ``poll_s``."""

    def __init__(self, db: Database, settings: Settings, owner: str, poll_s: float) -> None:
        self._db = db
        self._settings = settings
        self._owner = owner
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="callback-dispatcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                deliver_due(self._db, self._settings, self._owner)
            except Exception:  # keep the thread alive; the rows stay pending
                log.exception("callback dispatch pass failed")
            self._stop.wait(self._poll_s)
