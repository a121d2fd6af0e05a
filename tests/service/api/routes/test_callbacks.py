"""Webhooks out: a registered callback receives a signed summary, retried on failure."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from tests.service.api.routes.test_webhooks import WEBHOOK_SETTINGS, _post_generic
from tests.service.conftest import Backend, LocalServer, Recorded, running_api

pytestmark = pytest.mark.services


def test_registration_needs_admin_and_a_safe_url(backend: Backend) -> None:
    with running_api(backend.settings()) as api:
        reader = api.key("acme", "ingest", "read")
        admin = api.key("acme", "admin")
        body = {"url": "http://127.0.0.1:9/hook"}
        assert api.client.post("/v1/callbacks", json=body, headers=reader).status_code == 403
        created = api.client.post("/v1/callbacks", json=body, headers=admin)
        assert created.status_code == 201
        assert len(created.json()["secret"]) >= 32
        private = api.client.post(
            "/v1/callbacks", json={"url": "http://10.0.0.8/hook"}, headers=admin
        )
        assert private.status_code == 422
        listed = api.client.get("/v1/callbacks", headers=admin).json()
        assert [c["url"] for c in listed] == ["http://127.0.0.1:9/hook"]
        other_team = api.key("other", "admin")
        assert api.client.get("/v1/callbacks", headers=other_team).json() == []
        callback_id = listed[0]["id"]
        assert (
            api.client.delete(f"/v1/callbacks/{callback_id}", headers=other_team).status_code == 404
        )
        assert api.client.delete(f"/v1/callbacks/{callback_id}", headers=admin).status_code == 204


def test_failed_call_is_posted_signed_and_retried(
    backend: Backend, http_server: LocalServer
) -> None:
    attempts: list[Recorded] = []

    def receiver(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        attempts.append(request)
        return (500 if len(attempts) == 1 else 200), {}, b""

    http_server.routes["/hook"] = receiver
    with running_api(backend.settings(**WEBHOOK_SETTINGS)) as api:
        if backend.start_worker:
            backend.start_worker(**WEBHOOK_SETTINGS)
        admin = api.key("acme", "admin")
        secret = api.client.post(
            "/v1/callbacks", json={"url": http_server.url("/hook")}, headers=admin
        ).json()["secret"]
        # A recording that is not there: the job fails (download_failed), deterministically.
        body = json.dumps({"audio_url": http_server.url("/missing.wav"), "agent_id": "x"}).encode()
        call_id = _post_generic(api, body).json()["call_id"]
        deadline = time.monotonic() + 60
        while len(attempts) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(attempts) == 2, f"{len(attempts)} deliveries"
        first, second = attempts
        assert first.headers["X-Callcoach-Delivery"] == second.headers["X-Callcoach-Delivery"]
        payload: dict[str, Any] = json.loads(second.body)
        assert payload["event"] == "call.failed"
        assert payload["call"]["id"] == call_id
        assert payload["call"]["error_code"] == "download_failed"
        # The receiver's check, written out independently of service.signing.
        timestamp = second.headers["X-Callcoach-Timestamp"]
        expected = hmac.new(
            secret.encode(), f"{timestamp}.".encode() + second.body, hashlib.sha256
        ).hexdigest()
        assert second.headers["X-Callcoach-Signature"] == f"v1={expected}"
        assert abs(int(timestamp) - time.time()) < 60
        time.sleep(0.6)  # delivered: no further attempts
        assert len(attempts) == 2
        # The failure and its reason are on the call; it has no report.
        reader = api.key("acme", "read")
        call = api.client.get(f"/v1/calls/{call_id}", headers=reader).json()
        assert call["status"] == "failed"
        assert call["error"]["code"] == "download_failed"
        assert "HTTP 404" in call["error"]["message"]
        report = api.client.get(f"/v1/calls/{call_id}/report", headers=reader)
        assert report.status_code == 409
        assert "failed" in report.json()["detail"]
