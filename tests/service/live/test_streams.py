"""Live streams end to end: a real-voice stereo call streamed faster than real time over
a real WebSocket (the plain protocol and Twilio Media Streams); the cues that must fire
come back on the socket and on the agent's and the team's cue streams, and nowhere
else; the stored call is analysed like an upload and lists the cues it showed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers.live import WORD_RULES, LiveSession, replay
from analyzers.profile import default_profile
from tests.service.conftest import SAMPLES
from tests.service.live.clients import (
    Screen,
    stream_raw,
    stream_twilio,
    twilio_messages,
    twilio_signature,
)
from tests.service.live.conftest import (
    DEAD_AIR,
    PUBLIC_URL,
    TWILIO_SID,
    TWILIO_TOKEN,
    LiveService,
)

pytestmark = pytest.mark.slow

LIMIT_S = default_profile().unexplained_silence.max_silence_s
TRUTH = json.loads(DEAD_AIR.with_suffix(".truth.json").read_text())
SILENCE = next(s for s in TRUTH["silences"] if s["end_s"] - s["start_s"] > LIMIT_S)


def assert_dead_air(cues: list[dict]) -> None:
    """Raised once at the silence's start + the limit, cleared when speech resumes."""
    dead_air = [c for c in cues if c["rule"] == "unexplained_silence"]
    assert [c["state"] for c in dead_air] == ["raised", "cleared"], dead_air
    raised, cleared = dead_air
    assert abs(raised["at_s"] - (SILENCE["start_s"] + LIMIT_S)) <= 0.5
    assert abs(cleared["at_s"] - SILENCE["end_s"]) <= 0.5
    assert raised["high"] == LIMIT_S and raised["advice"] and raised["message"]
    assert raised["shown_s"] >= raised["at_s"]


def screens(live: LiveService) -> dict[str, Screen]:
    """Every screen that might see a cue: the agent's, another agent's, the team's, and
    the other team's (the same agent id, and its coaches)."""
    url = live.base_url
    opened = {
        "anna": Screen(url, "/v1/live/agent", live.keys["anna"]),
        "bob": Screen(url, "/v1/live/agent", live.keys["bob"]),
        "team": Screen(url, "/v1/live/team", live.keys["read"]),
        "other_anna": Screen(url, "/v1/live/agent", live.keys["other_anna"]),
        "other_team": Screen(url, "/v1/live/team", live.keys["other_read"]),
    }
    for screen in opened.values():
        screen.wait_for(lambda m: m["type"] == "snapshot")
    return opened


def assert_screens(opened: dict[str, Screen], call_id: str) -> None:
    for name in ("anna", "team"):
        opened[name].wait_for(lambda m: m["type"] == "call_ended" and m["call_id"] == call_id)
    got = {name: screen.close() for name, screen in opened.items()}
    for name in ("anna", "team"):
        events = [m for m in got[name].messages if m.get("call_id") == call_id]
        assert events[0]["type"] == "call_started"
        assert events[-1]["type"] == "call_ended" and events[-1]["stored"] is True
        assert_dead_air([m["cue"] for m in events if m["type"] == "cue"])
    for name in ("bob", "other_anna", "other_team"):
        assert [m["type"] for m in got[name].messages] == ["snapshot"], name


def test_raw_stream_cues_on_the_socket_and_the_screens(live: LiveService) -> None:
    opened = screens(live)
    got = stream_raw(
        live.base_url, live.bearer("ingest"), DEAD_AIR, {"agent_id": "anna", "external_id": "c1"}
    )
    assert got.close_code == 1000, got
    started, stopped = got.of_type("started")[0], got.of_type("stopped")[0]
    assert stopped["status"] == "queued" and stopped["call_id"] == started["call_id"]
    assert_dead_air(got.cues())
    assert_screens(opened, started["call_id"])


def test_twilio_stream_signed_by_twilio(live: LiveService) -> None:
    opened = screens(live)
    signed = twilio_signature(TWILIO_TOKEN, PUBLIC_URL.replace("https", "wss") + "/v1/live/twilio")
    messages = twilio_messages(DEAD_AIR, TWILIO_SID, {"agent": "anna", "cues": "socket"})
    got = stream_twilio(live.base_url, signed, messages)
    assert got.close_code == 1000, got
    call_id = got.of_type("started")[0]["call_id"]
    assert_dead_air(got.cues())
    assert_screens(opened, call_id)
    with live.api() as client:
        call = client.get(f"/v1/calls/{call_id}").json()
    assert call["external_id"] == "CA" + "1" * 32 and call["agent_id"] == "anna"


def test_stored_call_reports_like_an_upload_and_lists_its_cues(live: LiveService) -> None:
    got = stream_raw(live.base_url, live.bearer("ingest"), DEAD_AIR, {"agent_id": "anna"}, 20)
    live_id = got.of_type("stopped")[0]["call_id"]
    with live.api() as client:
        uploaded = client.post(  # the agent's channel given, as the live tracks give it
            "/v1/calls",
            files={"audio": ("dead_air.wav", DEAD_AIR.read_bytes(), "audio/wav")},
            data={"agent_channel": "0"},
        ).json()["id"]
        assert live.wait_done(live_id)["status"] == "done"
        assert live.wait_done(uploaded)["status"] == "done"
        streamed = client.get(f"/v1/calls/{live_id}/report").json()
        upload = client.get(f"/v1/calls/{uploaded}/report").json()
        call = client.get(f"/v1/calls/{live_id}").json()
    assert call["source"] == "live" and call["agent_id"] == "anna"
    shown = streamed.pop("live_cues")
    assert "live_cues" not in upload
    assert shown == got.cues()  # every cue the socket got, in order, with when
    assert_dead_air(shown)
    for report in (streamed, upload):
        report.pop("timings_s")
    assert streamed["metrics"] == upload["metrics"]
    assert streamed == upload


def engine_cues(wav: Path) -> list[dict]:
    """What the engine itself decides on the same audio (no words): the acoustic cues
    the service must deliver, at the same moments."""
    import soundfile as sf

    audio, rate = sf.read(str(wav), dtype="float32")
    session = LiveSession(default_profile(), rate)
    cues = replay(session, audio[:, 0], audio[:, 1], rate, chunk_s=0.05)
    return [c.model_dump(mode="json") for c in cues if c.rule not in WORD_RULES]


def assert_same_acoustic_cues(got: list[dict], expected: list[dict]) -> None:
    """The same conditions in the same order, each within 0.15 s (frames of 20 ms here,
    steps of 50 ms there)."""
    got = [c for c in got if c["rule"] not in WORD_RULES]
    assert [(c["key"], c["state"]) for c in got] == [(c["key"], c["state"]) for c in expected]
    for ours, theirs in zip(got, expected, strict=True):
        assert ours["at_s"] == pytest.approx(theirs["at_s"], abs=0.15), (ours, theirs)


@pytest.mark.parametrize("name", ["interrupting", "shouting"])
def test_twilio_stream_delivers_the_engines_acoustic_cues(live: LiveService, name: str) -> None:
    wav = SAMPLES / f"{name}.wav"
    signed = twilio_signature(TWILIO_TOKEN, PUBLIC_URL.replace("https", "wss") + "/v1/live/twilio")
    got = stream_twilio(
        live.base_url, signed, twilio_messages(wav, TWILIO_SID, {"agent": "bob", "cues": "socket"})
    )
    assert got.close_code == 1000, got
    assert_same_acoustic_cues(got.cues(), engine_cues(wav))
    truth = json.loads(wav.with_suffix(".truth.json").read_text())
    if name == "interrupting":  # raised inside each of the agent's talk-overs
        raised = [c for c in got.cues() if c["rule"] == "interruption" and c["state"] == "raised"]
        assert len(raised) == len(truth["interruptions"]) == 2
        for cue, overlap in zip(raised, truth["interruptions"], strict=True):
            assert overlap["start_s"] <= cue["at_s"] <= overlap["end_s"]
            assert cue["party"] == "agent"
    else:  # raised during the agent's shouted turn
        shout = next(u for u in truth["utterances"] if u["style"] == "shout")
        loud = [c for c in got.cues() if c["key"] == "loudness:agent:high"]
        assert loud and loud[0]["state"] == "raised" and "Raised voice" in loud[0]["message"]
        assert shout["start_s"] <= loud[0]["at_s"] <= shout["end_s"]
