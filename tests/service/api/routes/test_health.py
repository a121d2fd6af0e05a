"""/healthz, /readyz and /metrics."""

from __future__ import annotations

import re

import pytest

from tests.service.conftest import Api, Backend, running_api, wav_bytes

pytestmark = pytest.mark.services


def test_healthz_needs_no_key(api: Api) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_queue_and_model(backend: Backend) -> None:
    with running_api(backend.settings()) as api:
        response = api.client.get("/readyz")
        checks = response.json()["checks"]
        assert checks["database"] == "ok"
        assert checks["queue"] == "ok"
        if backend.start_worker is None:
            assert response.status_code == 200, response.json()
            assert checks["model"].startswith("ok")
            return
        # Celery: ready once a worker has announced itself.
        assert response.status_code == 503
        assert checks["model"] == "no worker ready"
        backend.start_worker()
        import time

        deadline = time.monotonic() + 20
        while api.client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, api.client.get("/readyz").json()
            time.sleep(0.3)


def test_readyz_reports_an_unreachable_database(api: Api) -> None:
    from service.db.session import Database

    working = api.state.db
    api.state.db = Database("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")  # refused
    try:
        response = api.client.get("/readyz")
    finally:
        api.state.db.dispose()
        api.state.db = working
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error: ")
    assert api.client.get("/healthz").status_code == 200  # alive, just not ready


def test_metrics_counts_uploads_and_queue_depth(api: Api) -> None:
    headers = api.key("acme", "ingest")

    def received() -> float:
        text = api.client.get("/metrics").text
        match = re.search(r'^callcoach_calls_received_total\{source="upload"\} (\S+)$', text, re.M)
        return float(match.group(1)) if match else 0.0

    before = received()
    for _ in range(3):
        assert api.upload(headers, wav_bytes(0.5)).status_code == 202
    assert received() == before + 3
    text = api.client.get("/metrics").text
    depths = dict(re.findall(r'^callcoach_queue_depth\{status="(\w+)"\} (\S+)$', text, re.M))
    assert sum(float(v) for v in depths.values()) == 3
    assert "callcoach_analysis_seconds_bucket" in text


def test_openapi_documents_the_api(api: Api) -> None:
    assert api.client.get("/docs").status_code == 200
    spec = api.client.get("/openapi.json").json()
    assert {"/v1/calls", "/v1/calls/{call_id}/audio", "/v1/webhooks/twilio"} <= set(spec["paths"])
    upload = spec["paths"]["/v1/calls"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["properties"]["audio"]["format"] == "binary"
    assert "agent_channel" in upload["schema"]["properties"]
    schemes = spec["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schemes)
