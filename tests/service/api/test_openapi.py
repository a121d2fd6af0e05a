"""The OpenAPI document describes what the API answers (error bodies, 401/404/413,
accepted audio types), and answers carry nosniff (the docs page also a CSP)."""

from __future__ import annotations

from typing import Any

import pytest

from service.calls.intake import ACCEPTED_AUDIO_TYPES
from tests.service.conftest import Api

pytestmark = pytest.mark.services

ERROR_REF = "#/components/schemas/ErrorBody"


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "delete", "patch"}
    ]


@pytest.fixture
def schema(api: Api) -> dict[str, Any]:
    return api.client.get("/openapi.json").json()


def test_every_422_is_declared_as_the_body_the_handler_sends(
    api: Api, schema: dict[str, Any]
) -> None:
    declared = schema["components"]["schemas"]["ErrorBody"]
    assert declared["properties"]["detail"]["type"] == "string"
    assert set(declared["required"]) == {"detail", "code"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, method, op in _operations(schema):
        if op.get("parameters") or op.get("requestBody"):
            body = op["responses"]["422"]["content"]["application/json"]["schema"]
            assert body == {"$ref": ERROR_REF}, (method, path)
    # ... and the handler's answer has that shape: detail a string, with its code.
    answer = api.client.get("/v1/calls", params={"limit": "x"}, headers=api.key("acme")).json()
    assert isinstance(answer["detail"], str) and answer["code"] == "bad_request"


def test_auth_not_found_and_size_errors_are_documented(schema: dict[str, Any]) -> None:
    for path, method, op in _operations(schema):
        if op.get("security"):
            assert {"401", "403"} <= set(op["responses"]), (method, path)
            assert op["responses"]["401"]["content"]["application/json"]["schema"] == {
                "$ref": ERROR_REF
            }
        if "{" in path:
            assert "404" in op["responses"], (method, path)
    assert "413" in schema["paths"]["/v1/calls"]["post"]["responses"]


def test_upload_documents_the_accepted_audio_types(schema: dict[str, Any]) -> None:
    body = schema["paths"]["/v1/calls"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert body["encoding"]["audio"]["contentType"] == ", ".join(ACCEPTED_AUDIO_TYPES)
    assert {"audio/wav", "audio/flac", "audio/ogg", "audio/mpeg"} <= set(ACCEPTED_AUDIO_TYPES)
    assert "audio/wav" in body["schema"]["properties"]["audio"]["description"]
    assert body["schema"]["properties"]["country"]["anyOf"][0]["minLength"] == 2


def test_docs_api_and_static_answers_carry_nosniff(api: Api) -> None:
    headers = api.key("acme")
    docs = api.client.get("/docs")
    assert docs.headers["X-Content-Type-Options"] == "nosniff"
    csp = docs.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "https:" not in csp  # assets served locally
    assert "frame-ancestors 'none'" in csp
    for response in (
        api.client.get("/v1/calls", headers=headers),
        api.client.get("/v1/calls"),  # an error answer too
        api.client.get("/openapi.json"),
        api.client.get("/static/app.css"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.url
