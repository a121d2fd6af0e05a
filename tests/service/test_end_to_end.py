"""Upload -> worker -> report with the real pipeline and the bundled Whisper model,
on SQLite + in-process worker and on PostgreSQL + Celery worker."""

from __future__ import annotations

import json

import pytest

from analyzers.report import Report
from service.calls.results import SENTIMENT_PARTIES, SENTIMENT_POINTS, sentiment_label
from tests.service.conftest import SAMPLES, Backend, running_api, sample_bytes

pytestmark = [pytest.mark.slow, pytest.mark.services]

REAL_MODEL = {"default_engine": "faster-whisper", "warm_up_model": True}


def test_upload_to_report_with_the_real_model(backend: Backend) -> None:
    truth = json.loads((SAMPLES / "good_call.truth.json").read_text())
    with running_api(backend.settings(**REAL_MODEL)) as api:
        if backend.start_worker:
            backend.start_worker(**REAL_MODEL)
        headers = api.key("acme", "ingest", "read")
        accepted = api.upload(
            headers,
            sample_bytes("good_call"),
            agent_id="anna",
            agent_channel=truth["agent_channel"],
            country=truth["country"],
            language="en",
            agent_name=truth["agent_name"],
            customer_name=truth["customer_name"],
        )
        assert accepted.status_code == 202, accepted.text
        call_id = accepted.json()["id"]
        call = api.wait_status(headers, call_id, {"done", "failed"}, timeout=240)
        assert call["status"] == "done", call
        report = Report.model_validate(
            api.client.get(f"/v1/calls/{call_id}/report", headers=headers).json()
        )
        # The report is this call's: its length, layout, model, and what the truth says.
        assert report.duration_s == pytest.approx(truth["duration_s"], abs=0.05)
        assert (report.channels, report.sample_rate) == (2, truth["sample_rate"])
        assert report.agent_channel == truth["agent_channel"]
        assert report.engine == "faster-whisper"
        assert report.pickup.rings == truth["rings"]
        agent_text = " ".join(t.text or "" for t in report.turns if t.party == "agent").lower()
        said = [u["text"] for u in truth["utterances"] if u["party"] == "agent"]
        assert "one moment please" in " ".join(said) and "one moment please" in agent_text
        assert call["duration_s"] == pytest.approx(truth["duration_s"], abs=0.05)
        assert call["findings_count"] == len(report.findings)
        # The derived rows feed the agent summary.
        summary = api.client.get("/v1/agents/anna/summary", headers=headers).json()
        assert summary["calls"] == 1
        labels = {m["label"] for m in summary["weeks"][0]["metrics"]}
        measured = {m.label for m in report.metrics if isinstance(m.value, int | float)}
        sentiment = {sentiment_label(p, k) for p in SENTIMENT_PARTIES for k in SENTIMENT_POINTS}
        assert labels == measured | sentiment
