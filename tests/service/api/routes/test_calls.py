"""/v1/calls on both backends: upload, limits, status, audio ranges, delete, listing,
tenant isolation and API-key scopes."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from tests.service.conftest import Api, Backend, running_api, wav_bytes

pytestmark = pytest.mark.services


def test_upload_is_accepted_stored_and_queued(api: Api) -> None:
    headers = api.key("acme", "ingest", "read")
    audio = wav_bytes(2.0)
    response = api.upload(headers, audio, agent_id="anna", external_id="c-1", agent_channel=1)
    assert response.status_code == 202, response.text
    call_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    body = api.client.get(f"/v1/calls/{call_id}", headers=headers).json()
    assert body["agent_id"] == "anna"
    assert body["external_id"] == "c-1"
    assert body["options"]["agent_channel"] == 1
    assert body["audio_bytes"] == len(audio)
    assert body["audio_sha256"] == hashlib.sha256(audio).hexdigest()
    assert body["duration_s"] == pytest.approx(2.0)
    # The stored blob is the uploaded file, named by the call id (not the client's name).
    path = api.state.storage.local_path(uuid.UUID(call_id).hex)
    assert path.read_bytes() == audio
    assert "call.wav" not in str(path)


def test_upload_too_large_is_413_and_nothing_is_stored(backend: Backend) -> None:
    with running_api(backend.settings(max_upload_bytes=50_000)) as api:
        headers = api.key("acme", "ingest", "read")
        response = api.upload(headers, wav_bytes(10.0))  # 320 kB
        assert response.status_code == 413
        assert "limit of 50000 bytes" in response.json()["detail"]
        assert response.json()["code"] == "too_large"
        assert api.client.get("/v1/calls", headers=headers).json()["items"] == []
        incoming = api.state.storage.root / ".incoming"
        assert list(incoming.iterdir()) == []


def test_three_channels_is_422_with_reason(api: Api) -> None:
    headers = api.key("acme", "ingest", "read")
    response = api.upload(headers, wav_bytes(1.0, channels=3))
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_channels"
    assert "3 channels" in response.json()["detail"]
    assert api.client.get("/v1/calls", headers=headers).json()["items"] == []


def test_corrupt_audio_is_422_with_reason(api: Api) -> None:
    headers = api.key("acme", "ingest", "read")
    response = api.upload(headers, b"RIFF\x00\x00\x00\x00WAVEthis is not audio" * 20)
    assert response.status_code == 422
    assert response.json()["code"] in {"corrupt_audio", "unsupported_audio"}
    assert api.client.get("/v1/calls", headers=headers).json()["items"] == []


def test_too_long_is_422(backend: Backend) -> None:
    with running_api(backend.settings(max_duration_s=1.5)) as api:
        headers = api.key("acme", "ingest")
        response = api.upload(headers, wav_bytes(3.0))
        assert response.status_code == 422
        assert response.json()["code"] == "too_long"


def test_bad_field_and_missing_audio_are_422(api: Api) -> None:
    headers = api.key("acme", "ingest")
    response = api.upload(headers, wav_bytes(1.0), agent_channel=5)
    assert response.status_code == 422
    assert "agent_channel" in response.json()["detail"]
    response = api.client.post("/v1/calls", headers=headers, data={"agent_id": "x"})
    assert response.status_code == 422


def test_audio_range_requests(api: Api) -> None:
    headers = api.key("acme", "ingest", "read", "admin")
    # Served as uploaded, before the analysis, only with PII redaction off.
    off = {"pii_redaction": False, "audio_mode": "tone"}
    assert api.client.put("/v1/privacy", json=off, headers=headers).status_code == 200
    audio = wav_bytes(1.0)
    call_id = api.upload(headers, audio).json()["id"]
    url = f"/v1/calls/{call_id}/audio"
    whole = api.client.get(url, headers=headers)
    assert whole.status_code == 200
    assert whole.content == audio
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "audio/wav"
    part = api.client.get(url, headers={**headers, "Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == audio[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(audio)}"
    tail = api.client.get(url, headers={**headers, "Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == audio[-10:]
    open_end = api.client.get(url, headers={**headers, "Range": f"bytes={len(audio) - 5}-"})
    assert open_end.content == audio[-5:]
    beyond = api.client.get(url, headers={**headers, "Range": f"bytes={len(audio)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(audio)}"


def test_delete_removes_audio_report_and_row(api: Api) -> None:
    headers = api.key("acme", "ingest", "read", "admin")
    call_id = api.upload(headers, wav_bytes(1.0)).json()["id"]
    path = api.state.storage.local_path(uuid.UUID(call_id).hex)
    assert path.exists()
    assert api.client.delete(f"/v1/calls/{call_id}", headers=headers).status_code == 204
    assert not path.exists()
    assert api.client.get(f"/v1/calls/{call_id}", headers=headers).status_code == 404
    assert api.client.get(f"/v1/calls/{call_id}/audio", headers=headers).status_code == 404
    assert api.client.delete(f"/v1/calls/{call_id}", headers=headers).status_code == 404


def test_tenant_isolation(api: Api) -> None:
    team_a = api.key("team-a", "ingest", "read", "admin")
    team_b = api.key("team-b", "ingest", "read", "admin")
    call_a = api.upload(team_a, wav_bytes(1.0), agent_id="shared-agent").json()["id"]
    for path in ("", "/report", "/audio"):
        assert api.client.get(f"/v1/calls/{call_a}{path}", headers=team_b).status_code == 404
    assert api.client.delete(f"/v1/calls/{call_a}", headers=team_b).status_code == 404
    assert api.client.get("/v1/calls", headers=team_b).json()["items"] == []
    assert api.client.get("/v1/calls?team=team-a", headers=team_b).json()["items"] == []
    summary = api.client.get("/v1/agents/shared-agent/summary", headers=team_b).json()
    assert summary["calls"] == 0
    # Team A still sees its call.
    assert api.client.get(f"/v1/calls/{call_a}", headers=team_a).status_code == 200
    # A key cannot write to another team by naming it.
    response = api.upload(team_b, wav_bytes(1.0), team="team-a")
    assert response.status_code == 403


def test_auth_and_scopes(api: Api) -> None:
    audio = wav_bytes(1.0)
    assert api.client.get("/v1/calls").status_code == 401
    assert api.client.get("/v1/calls", headers={"Authorization": "Bearer nope"}).status_code == 401
    reader = api.key("acme", "read")
    ingester = api.key("acme", "ingest")
    assert api.upload(reader, audio).status_code == 403
    call_id = api.upload(ingester, audio).json()["id"]
    assert api.client.get(f"/v1/calls/{call_id}", headers=ingester).status_code == 403
    assert api.client.delete(f"/v1/calls/{call_id}", headers=ingester).status_code == 403
    # X-API-Key works as well as Authorization: Bearer.
    raw_key = reader["Authorization"].removeprefix("Bearer ")
    assert api.client.get(f"/v1/calls/{call_id}", headers={"X-API-Key": raw_key}).status_code == 200
    # A revoked key stops working at once.
    from service.keys import revoke_api_key

    key_id = raw_key.split("_")[1]
    with api.state.db.session() as session:
        assert revoke_api_key(session, key_id)
    assert api.client.get(f"/v1/calls/{call_id}", headers=reader).status_code == 401


def test_listing_filters_and_cursor_pagination(api: Api) -> None:
    headers = api.key("acme", "ingest", "read")
    audio = wav_bytes(0.5)
    ids = []
    for i in range(5):
        agent = "anna" if i % 2 == 0 else "bo"
        response = api.upload(
            headers, audio, agent_id=agent, recording_started_at=f"2025-03-0{i + 1}T10:00:00Z"
        )
        ids.append(response.json()["id"])
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/calls", headers=headers, params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))  # newest first, each exactly once
    anna = api.client.get("/v1/calls", headers=headers, params={"agent_id": "anna"}).json()
    assert {item["id"] for item in anna["items"]} == {ids[0], ids[2], ids[4]}
    march = api.client.get(
        "/v1/calls",
        headers=headers,
        params={"from": "2025-03-02T00:00:00Z", "to": "2025-03-04T00:00:00Z"},
    ).json()
    assert {item["id"] for item in march["items"]} == {ids[1], ids[2]}
    assert api.client.get("/v1/calls?cursor=garbage", headers=headers).status_code == 422
