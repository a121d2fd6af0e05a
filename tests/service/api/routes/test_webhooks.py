"""Webhooks in, on both backends: Twilio (signed with twilio's own RequestValidator),
Vonage (JWTs from PyJWT), generic HMAC; recordings served by a local HTTP server."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from service.db.models import Call, WebhookReceipt
from service.signing import sign
from tests.service.conftest import Api, Backend, LocalServer, Recorded, running_api, wav_bytes

pytestmark = pytest.mark.services

TWILIO_SID, TWILIO_TOKEN = "AC00000000000000000000000000000001", "twilio-auth-token-1"
VONAGE_KEY, VONAGE_SECRET = "vonage-api-key", "vonage-signature-secret-0123456789"
SENDER, GENERIC_SECRET = "crm", "generic-secret-0123456789"
WEBHOOK_SETTINGS: dict[str, Any] = {
    "twilio_accounts": {TWILIO_SID: {"secret": TWILIO_TOKEN, "team": "acme", "agent_channel": 1}},
    "vonage_accounts": {VONAGE_KEY: {"secret": VONAGE_SECRET, "team": "acme"}},
    "generic_webhook_accounts": {SENDER: {"secret": GENERIC_SECRET, "team": "acme"}},
}
TWILIO_URL = "http://testserver/v1/webhooks/twilio"
RECORDING_PATH = f"/2010-04-01/Accounts/{TWILIO_SID}/Recordings/RE0001"


@pytest.fixture
def hook_api(backend: Backend) -> Any:
    with running_api(backend.settings(**WEBHOOK_SETTINGS)) as running:
        yield running


def _counts(api: Api) -> tuple[int, int]:
    with api.state.db.session() as session:
        calls = session.scalar(select(func.count()).select_from(Call))
        receipts = session.scalar(select(func.count()).select_from(WebhookReceipt))
    return int(calls or 0), int(receipts or 0)


def _twilio_params(server: LocalServer, **overrides: str) -> dict[str, str]:
    params = {
        "AccountSid": TWILIO_SID,
        "CallSid": "CA0001",
        "RecordingSid": "RE0001",
        "RecordingUrl": server.url(RECORDING_PATH),
        "RecordingStatus": "completed",
        "RecordingDuration": "2",
        "RecordingChannels": "2",
        "RecordingStartTime": "Mon, 03 Mar 2025 10:00:00 +0000",
        "RecordingSource": "DialVerb",
    }
    params.update(overrides)
    return params


def _post_twilio(api: Api, params: dict[str, str], signature: str | None) -> Any:
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    return api.client.post("/v1/webhooks/twilio", data=params, headers=headers)


def _wait_audio(api: Api, call_id: str, timeout: float = 60) -> dict[str, Any]:
    headers = api.key("acme", "read")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = api.client.get(f"/v1/calls/{call_id}", headers=headers).json()
        if body["audio_sha256"] or body["status"] == "failed":
            return body
        time.sleep(0.1)
    raise AssertionError(f"recording of {call_id} never stored: {body}")


# ------------------------------------------------------------------------ Twilio


def test_twilio_signature_good_downloads_and_is_idempotent(
    backend: Backend, hook_api: Api, http_server: LocalServer
) -> None:
    audio = wav_bytes(2.0)
    http_server.serve_bytes(RECORDING_PATH + ".wav", audio)
    if backend.start_worker:
        backend.start_worker(**WEBHOOK_SETTINGS)
    params = _twilio_params(http_server)
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_URL, params)
    first = _post_twilio(hook_api, params, signature)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "accepted"
    call_id = first.json()["call_id"]
    # Twilio retries the callback: same recording, no second call.
    again = _post_twilio(hook_api, params, signature)
    assert again.json() == {"status": "duplicate", "call_id": call_id, "detail": "already received"}
    assert _counts(hook_api) == (1, 1)

    call = _wait_audio(hook_api, call_id)
    assert call["audio_sha256"] == hashlib.sha256(audio).hexdigest(), call
    assert call["source"] == "twilio"
    assert call["external_id"] == "CA0001"
    assert call["options"]["agent_channel"] == 1
    assert call["metadata"]["recording_started_at"].startswith("2025-03-03T10:00:00")
    hit = http_server.hits(RECORDING_PATH + ".wav")[0]
    assert "RequestedChannels=2" in hit.path
    user_pass = base64.b64decode(hit.headers["Authorization"].removeprefix("Basic ")).decode()
    assert user_pass == f"{TWILIO_SID}:{TWILIO_TOKEN}"


@pytest.mark.parametrize("signature", [None, "", "bm90IHRoZSBzaWduYXR1cmU="])
def test_twilio_bad_or_missing_signature_is_403_and_stores_nothing(
    hook_api: Api, http_server: LocalServer, signature: str | None
) -> None:
    response = _post_twilio(hook_api, _twilio_params(http_server), signature)
    assert response.status_code == 403
    assert _counts(hook_api) == (0, 0)


def test_twilio_signature_over_other_params_or_token_is_403(
    hook_api: Api, http_server: LocalServer
) -> None:
    params = _twilio_params(http_server)
    forged = RequestValidator("some-other-token").compute_signature(TWILIO_URL, params)
    assert _post_twilio(hook_api, params, forged).status_code == 403
    signed = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_URL, params)
    tampered = {**params, "RecordingUrl": http_server.url("/elsewhere")}
    assert _post_twilio(hook_api, tampered, signed).status_code == 403
    unknown = {**params, "AccountSid": "AC-unknown"}
    signed_unknown = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_URL, unknown)
    assert _post_twilio(hook_api, unknown, signed_unknown).status_code == 403
    assert _counts(hook_api) == (0, 0)


def test_twilio_other_statuses_are_ignored(hook_api: Api, http_server: LocalServer) -> None:
    params = _twilio_params(http_server, RecordingStatus="in-progress")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_URL, params)
    response = _post_twilio(hook_api, params, signature)
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert _counts(hook_api) == (0, 0)


def test_twilio_recording_url_outside_allowed_hosts_is_refused(hook_api: Api) -> None:
    params = {
        "AccountSid": TWILIO_SID,
        "RecordingSid": "RE0002",
        "RecordingUrl": "http://169.254.169.254/latest/meta-data/iam",
        "RecordingStatus": "completed",
    }
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_URL, params)
    response = _post_twilio(hook_api, params, signature)
    assert response.status_code == 422
    assert "not allowed" in response.json()["detail"] or "allowed" in response.json()["detail"]
    assert _counts(hook_api) == (0, 0)


# ------------------------------------------------------------------------ Vonage


def _vonage_jwt(body: bytes, secret: str = VONAGE_SECRET, **claims: Any) -> str:
    payload = {
        "iat": int(time.time()),
        "jti": uuid.uuid4().hex,
        "iss": "Vonage",
        "payload_hash": hashlib.sha256(body).hexdigest(),
        "api_key": VONAGE_KEY,
        "application_id": "app-1",
        **claims,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def _vonage_body(server: LocalServer, recording_uuid: str = "rec-1") -> bytes:
    return json.dumps(
        {
            "start_time": "2025-03-03T10:00:00Z",
            "recording_url": server.url("/v1/files/rec-1"),
            "size": 12345,
            "recording_uuid": recording_uuid,
            "end_time": "2025-03-03T10:01:00Z",
            "conversation_uuid": "CON-1",
            "timestamp": "2025-03-03T10:01:01.000Z",
        }
    ).encode()


def _post_vonage(api: Api, body: bytes, token: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return api.client.post("/v1/webhooks/vonage", content=body, headers=headers)


def test_vonage_signed_jwt_accepted_once(hook_api: Api, http_server: LocalServer) -> None:
    body = _vonage_body(http_server)
    response = _post_vonage(hook_api, body, _vonage_jwt(body))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    again = _post_vonage(hook_api, body, _vonage_jwt(body))
    assert again.json()["status"] == "duplicate"
    assert again.json()["call_id"] == response.json()["call_id"]
    assert _counts(hook_api) == (1, 1)


def test_vonage_bad_signatures_are_403(hook_api: Api, http_server: LocalServer) -> None:
    body = _vonage_body(http_server)
    other = _vonage_body(http_server, recording_uuid="rec-2")
    cases = {
        "missing": None,
        "wrong secret": _vonage_jwt(body, secret="not-the-secret-at-all-0123456789abcdef"),
        "body tampered": _vonage_jwt(other),  # payload_hash of another body
        "stale": _vonage_jwt(body, iat=int(time.time()) - 3600),
        "unknown account": _vonage_jwt(body, api_key="someone-else"),
        "not a jwt": "abc.def.ghi",
    }
    for case, token in cases.items():
        response = _post_vonage(hook_api, body, token)
        assert response.status_code == 403, case
    unsigned_hash = jwt.encode({"iat": int(time.time()), "api_key": VONAGE_KEY}, VONAGE_SECRET)
    assert _post_vonage(hook_api, body, unsigned_hash).status_code == 403
    assert _counts(hook_api) == (0, 0)


def test_vonage_download_is_signed_with_the_application_key(
    backend: Backend, tmp_path: Path, http_server: LocalServer
) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_path = tmp_path / "vonage.key"
    key_path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    audio = wav_bytes(1.0)

    def media(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, public_pem, algorithms=["RS256"])
        except jwt.PyJWTError:
            return 401, {}, b"unauthorized"
        if claims.get("application_id") != "app-1":
            return 403, {}, b"wrong application"
        return 200, {"Content-Type": "audio/wav"}, audio

    http_server.routes["/v1/files/rec-1"] = media
    settings = {
        **WEBHOOK_SETTINGS,
        "vonage_application_id": "app-1",
        "vonage_private_key_path": key_path,
    }
    with running_api(backend.settings(**settings)) as api:
        if backend.start_worker:
            backend.start_worker(**settings)
        body = _vonage_body(http_server)
        call_id = _post_vonage(api, body, _vonage_jwt(body)).json()["call_id"]
        call = _wait_audio(api, call_id)
        assert call["audio_sha256"] == hashlib.sha256(audio).hexdigest(), call
        assert call["external_id"] == "CON-1"


# ------------------------------------------------------------------------ generic


def _post_generic(
    api: Api,
    body: bytes,
    *,
    secret: str = GENERIC_SECRET,
    sender: str = SENDER,
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    signed = sign(secret, body, timestamp)
    return api.client.post(
        "/v1/webhooks/generic",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Callcoach-Sender": sender,
            **signed,
            **(headers or {}),
        },
    )


def test_generic_json_good_then_replay_is_rejected(hook_api: Api, http_server: LocalServer) -> None:
    http_server.serve_bytes("/calls/1.wav", wav_bytes(1.0))
    body = json.dumps(
        {"audio_url": http_server.url("/calls/1.wav"), "agent_id": "anna", "agent_channel": 1}
    ).encode()
    timestamp = int(time.time())
    response = _post_generic(hook_api, body, timestamp=timestamp)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    replay = _post_generic(hook_api, body, timestamp=timestamp)
    assert replay.status_code == 409
    assert _counts(hook_api)[0] == 1


def test_generic_agent_channel_is_auto_unless_the_sender_gives_one(
    hook_api: Api, http_server: LocalServer
) -> None:
    http_server.serve_bytes("/calls/2.wav", wav_bytes(1.0))
    sent = {"none": {}, "auto": {"agent_channel": "auto"}, "one": {"agent_channel": 1}}
    stored, headers = {}, hook_api.key("acme", "read")
    for label, fields in sent.items():
        body = json.dumps({"audio_url": http_server.url("/calls/2.wav"), **fields}).encode()
        response = _post_generic(hook_api, body)
        assert response.status_code == 200, response.text
        call = hook_api.client.get(f"/v1/calls/{response.json()['call_id']}", headers=headers)
        stored[label] = call.json()["options"]
    assert [stored[k]["agent_channel"] for k in sent] == ["auto", "auto", 1]
    bad = json.dumps({"audio_url": http_server.url("/calls/2.wav"), "agent_channel": "left"})
    refused = _post_generic(hook_api, bad.encode())
    assert refused.status_code == 422 and "agent_channel" in refused.json()["detail"]


def test_generic_bad_stale_or_missing_signature(hook_api: Api, http_server: LocalServer) -> None:
    body = json.dumps({"audio_url": http_server.url("/calls/1.wav")}).encode()
    assert _post_generic(hook_api, body, secret="wrong-secret-0123456789").status_code == 403
    stale = int(time.time()) - 301
    assert _post_generic(hook_api, body, timestamp=stale).status_code == 403
    future = int(time.time()) + 301
    assert _post_generic(hook_api, body, timestamp=future).status_code == 403
    assert _post_generic(hook_api, body, sender="stranger").status_code == 403
    no_signature = hook_api.client.post(
        "/v1/webhooks/generic",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Callcoach-Sender": SENDER,
            "X-Callcoach-Timestamp": str(int(time.time())),
        },
    )
    assert no_signature.status_code == 403
    assert _counts(hook_api) == (0, 0)


def test_generic_multipart_audio_signed_over_raw_body(hook_api: Api) -> None:
    import httpx

    audio = wav_bytes(1.0)
    request = httpx.Request(
        "POST",
        "http://testserver/v1/webhooks/generic",
        files={"audio": ("x.wav", audio, "audio/wav")},
        data={"agent_id": "bo", "external_id": "crm-7"},
    )
    body = request.read()
    headers = {"Content-Type": request.headers["Content-Type"], "X-Callcoach-Sender": SENDER}
    response = hook_api.client.post(
        "/v1/webhooks/generic", content=body, headers={**headers, **sign(GENERIC_SECRET, body)}
    )
    assert response.status_code == 200, response.text
    call_id = response.json()["call_id"]
    read = hook_api.key("acme", "read")
    call = hook_api.client.get(f"/v1/calls/{call_id}", headers=read).json()
    assert call["audio_sha256"] == hashlib.sha256(audio).hexdigest()
    assert call["agent_id"] == "bo"
    # The same external id again (a sender retry with a fresh signature): no second call.
    again = hook_api.client.post(
        "/v1/webhooks/generic",
        content=body,
        headers={**headers, **sign(GENERIC_SECRET, body, int(time.time()) + 1)},
    )
    assert again.json()["status"] == "duplicate"
    # A wrong signature over multipart stores nothing (the streamed file is removed).
    bad = hook_api.client.post(
        "/v1/webhooks/generic",
        content=body,
        headers={**headers, **sign("wrong-secret-0123456789", body)},
    )
    assert bad.status_code == 403
    assert _counts(hook_api)[0] == 1
    blobs = [p for p in hook_api.state.storage.root.rglob("*") if p.is_file()]
    assert len(blobs) == 1
