"""Agent voice enrolment through the API: three stereo calls of an agent enrol their
voice, and a later mono call of that agent finds the agent by it (real pipeline, real
database, real queue; Asterisk's Allison is the agent, a LibriVox reader the customer).

Also agent_channel's default for uploads: auto, decided from the call and said why.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from analyzers.report import Report
from sample_audio import realcalls
from sample_audio.mono_set import customer_first_call, mono_set_call
from service.db.models import AgentVoice, VoicePrint
from tests.service.conftest import Api, Backend, running_api

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not realcalls.available(), reason="speech corpora not installed"),
]

# Allison is the agent of these: the stereo calls that enrol her voice.
ENROLMENT_CALLS = ("real_hold", "real_interrupting", "mono_mixed_102")


def _wav(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, np.atleast_2d(samples).T, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def _analysed(api: Api, headers: dict[str, str], audio: bytes, **fields: Any) -> Report:
    return _analysed_call(api, headers, audio, **fields)[1]


def _analysed_call(
    api: Api, headers: dict[str, str], audio: bytes, **fields: Any
) -> tuple[str, Report]:
    accepted = api.upload(headers, audio, language="en", **fields)
    assert accepted.status_code == 202, accepted.text
    call_id = accepted.json()["id"]
    call = api.wait_status(headers, call_id, {"done", "failed"}, timeout=240)
    assert call["status"] == "done", call
    body = api.client.get(f"/v1/calls/{call_id}/report", headers=headers).json()
    assert "agent_voice" not in body and "_agent_voice" not in body  # biometric: never served
    return call_id, Report.model_validate(body)


def _enrolment(api: Api, agent_id: str) -> tuple[AgentVoice | None, int]:
    with api.state.db.session() as session:
        row = session.query(AgentVoice).filter_by(agent_id=agent_id).one_or_none()
        prints = session.query(VoicePrint).filter_by(agent_id=agent_id).count()
        if row is not None:
            session.expunge(row)
    return row, prints


def test_three_stereo_calls_enrol_the_agent_and_a_mono_call_finds_them_by_voice(
    backend: Backend,
) -> None:
    with running_api(backend.settings()) as api:
        if backend.start_worker:
            backend.start_worker()
        headers = api.key("acme", "ingest", "read", "admin")
        enrolled_from = []
        for n, name in enumerate(ENROLMENT_CALLS, start=1):
            stereo, _, rate, truth = mono_set_call(name)
            call_id, report = _analysed_call(
                api,
                headers,
                _wav(stereo, rate),
                agent_id="allison",
                agent_channel=truth.agent_channel,
            )
            enrolled_from.append(call_id)
            assert report.separation is not None and report.separation.agent_basis == "option"
            row, prints = _enrolment(api, "allison")
            assert prints == n and row is not None and row.calls == n
        assert row is not None and len(row.embedding) == 32

        # Her mono call: the customer speaks first and she never greets.
        _, mono, rate, truth = customer_first_call("mono_mixed_101")
        report = _analysed(api, headers, _wav(mono[0], rate), agent_id="allison")
        separation = report.separation
        assert separation is not None and separation.method == "diarized"
        assert separation.agent_basis == "enrolled_voice"
        assert "by enrolled voice" in separation.agent and "heard second" in separation.agent
        first_agent = min(u.start_s for u in truth.utterances if u.party == "agent")
        assert report.signals is not None
        assert report.signals.speech["agent"][0].start_s == pytest.approx(first_agent, abs=0.3)
        # A mono call teaches the enrolment nothing (its voices are the diarizer's guess).
        assert _enrolment(api, "allison")[1] == len(ENROLMENT_CALLS)
        # A deleted call takes its voice print along; the enrolment is rebuilt without it.
        gone = api.client.delete(f"/v1/calls/{enrolled_from[0]}", headers=headers)
        assert gone.status_code == 204
        row, prints = _enrolment(api, "allison")
        assert prints == 2 and row is not None and row.calls == 2


def test_an_upload_without_agent_channel_is_auto_and_the_report_says_why(
    backend: Backend,
) -> None:
    with running_api(backend.settings()) as api:
        if backend.start_worker:
            backend.start_worker()
        headers = api.key("acme", "ingest", "read")
        stereo, _, rate, truth = mono_set_call("real_talked_over")  # the agent on channel 1
        report = _analysed(api, headers, _wav(stereo, rate), agent_id="bob")
        assert report.agent_channel == truth.agent_channel == 1
        assert report.separation is not None and report.separation.agent_basis == "first_voice"
        assert report.separation.agent == "channel 1: heard first after the answer"
        # A guessed channel is no evidence of whose voice it is: nothing enrolled.
        assert _enrolment(api, "bob") == (None, 0)
