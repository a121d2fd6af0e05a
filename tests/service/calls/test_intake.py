"""One intake for every way a call arrives: the error body always carries its code,
input at the edges of the calendar or of an integer is a 422 (never a 500), the country
is checked against the known ringback plans, and nothing is kept of a refused call."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from service.signing import sign
from tests.service.api.routes.test_webhooks import GENERIC_SECRET, SENDER, WEBHOOK_SETTINGS
from tests.service.conftest import Api, Backend, running_api, wav_bytes

pytestmark = pytest.mark.services

CALENDAR_EDGES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.fixture
def hook_api(backend: Backend) -> Any:
    with running_api(backend.settings(**WEBHOOK_SETTINGS)) as running:
        yield running


def _stored_files(api: Api) -> list[str]:
    return [str(p) for p in api.state.storage.root.rglob("*") if p.is_file()]


def _post_generic(api: Api, body: bytes, content_type: str = "application/json") -> Any:
    headers = {"Content-Type": content_type, "X-Callcoach-Sender": SENDER}
    return api.client.post(
        "/v1/webhooks/generic", content=body, headers={**headers, **sign(GENERIC_SECRET, body)}
    )


@pytest.mark.parametrize("moment", CALENDAR_EDGES)
@pytest.mark.parametrize("field", ["recording_started_at", "ringing_at", "answered_at"])
def test_call_times_past_the_calendar_in_utc_are_422(api: Api, field: str, moment: str) -> None:
    headers = api.key("acme")
    response = api.upload(headers, wav_bytes(1.0), **{field: moment})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "bad_field"
    assert response.json()["detail"].startswith(f"{field}: ")
    assert "outside the calendar" in response.json()["detail"]
    assert api.client.get("/v1/calls", headers=headers).json()["items"] == []
    assert _stored_files(api) == []


def test_implausible_call_times_are_422(api: Api) -> None:
    headers = api.key("acme")
    response = api.upload(headers, wav_bytes(1.0), recording_started_at="9999-12-31T23:59:59Z")
    assert response.status_code == 422
    assert "years 1900 to 2999" in response.json()["detail"]


@pytest.mark.parametrize("moment", CALENDAR_EDGES)
@pytest.mark.parametrize("param", ["from", "to"])
def test_listing_and_summary_periods_past_the_calendar_are_422(
    api: Api, param: str, moment: str
) -> None:
    headers = api.key("acme")
    for path in ("/v1/calls", "/v1/agents/anna/summary"):
        response = api.client.get(path, params={param: moment}, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["code"] == "bad_request"
        assert response.json()["detail"].startswith(f"query.{param}: ")
        assert "outside the calendar" in response.json()["detail"]


def test_callback_id_beyond_the_id_column_is_422_not_an_overflow(api: Api) -> None:
    headers = api.key("acme")
    response = api.client.delete("/v1/callbacks/75846279458866191407251456", headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "bad_request"
    assert api.client.delete(f"/v1/callbacks/{2**31 - 1}", headers=headers).status_code == 404


def test_multipart_boundary_of_5000_characters_is_422(api: Api) -> None:
    headers = api.key("acme")
    boundary = "b" * 5000
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\n'
        f"\r\nRIFF\r\n--{boundary}--\r\n"
    ).encode()
    response = api.client.post(
        "/v1/calls",
        content=body,
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "bad_multipart"
    assert "boundary" in response.json()["detail"]
    assert _stored_files(api) == []


def test_country_must_have_a_ringback_plan_and_uk_is_stored_as_gb(api: Api) -> None:
    headers = api.key("acme")
    refused = api.upload(headers, wav_bytes(1.0), country="XX")
    assert refused.status_code == 422
    assert refused.json()["code"] == "bad_field"
    assert "no ringback plan for country 'XX'" in refused.json()["detail"]
    assert _stored_files(api) == []
    for given in ("UK", "gb"):
        accepted = api.upload(headers, wav_bytes(1.0), country=given)
        assert accepted.status_code == 202, accepted.text
        call = api.client.get(accepted.json()["url"], headers=headers).json()
        assert call["options"]["country"] == "GB"


def test_errors_carry_a_code_everywhere(hook_api: Api) -> None:
    headers = hook_api.key("acme")
    client = hook_api.client
    missing_key = client.get("/v1/calls")
    assert (missing_key.status_code, missing_key.json()["code"]) == (401, "unauthorized")
    unknown = client.get(f"/v1/calls/{uuid.uuid4()}", headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    other_team = hook_api.upload(headers, wav_bytes(1.0), team="globex")
    assert (other_team.status_code, other_team.json()["code"]) == (403, "wrong_team")
    no_audio = client.post("/v1/calls", headers=headers, data={"agent_id": "a"}, files={})
    assert no_audio.status_code == 422 and no_audio.json()["code"] in {
        "bad_multipart",
        "missing_audio",
    }
    # The generic webhook: the same fields and codes as the upload.
    bad_field = _post_generic(hook_api, json.dumps({"audio_url": "x", "country": "XX"}).encode())
    assert (bad_field.status_code, bad_field.json()["code"]) == (422, "bad_field")
    assert bad_field.json()["detail"].startswith("country: ")
    no_source = _post_generic(hook_api, json.dumps({"agent_id": "a"}).encode())
    assert (no_source.status_code, no_source.json()["code"]) == (422, "missing_audio")
    not_json = _post_generic(hook_api, b"{not json")
    assert (not_json.status_code, not_json.json()["code"]) == (422, "bad_field")
    refused_url = _post_generic(hook_api, json.dumps({"audio_url": "http://10.1.2.3/a"}).encode())
    assert (refused_url.status_code, refused_url.json()["code"]) == (422, "url_refused")
    unsigned = client.post("/v1/webhooks/generic", content=b"{}")
    assert (unsigned.status_code, unsigned.json()["code"]) == (403, "bad_signature")


def test_generic_webhook_multipart_with_bad_audio_keeps_nothing(hook_api: Api) -> None:
    request = httpx.Request(
        "POST",
        "http://testserver/v1/webhooks/generic",
        files={"audio": ("x.wav", b"RIFF not audio at all" * 10, "audio/wav")},
        data={"agent_id": "bo", "ringing_at": CALENDAR_EDGES[1]},
    )
    body = request.read()
    response = _post_generic(hook_api, body, request.headers["Content-Type"])
    assert (response.status_code, response.json()["code"]) == (422, "bad_field")
    assert "ringing_at" in response.json()["detail"]
    assert [f for f in _stored_files(hook_api) if ".incoming" not in f] == []
